-- Tags as data. The articles of the UN Convention on the Rights of the Child (1-54),
-- with short names in bokmål, nynorsk and English written for samla (the article
-- numbers and subjects are those of the Convention, as Norway incorporated it in the
-- Human Rights Act, menneskerettsloven, 1999). Sjumilssteget's steps are versioned per
-- framework, since the mapping of steps to articles changed between the 2009 and 2012
-- Troms versions and the national one; the self-analysis will add versions. Steps 1-6
-- and their articles follow sjumilssteget.no/sju-steg; step 7 (education, art. 28-30)
-- follows the Troms/Lenvik version, as the national list for it was not found. Art. 3
-- is the overarching article.
CREATE TABLE crc_article (
    number BIGINT PRIMARY KEY NOT NULL,
    name_nb TEXT NOT NULL,
    name_nn TEXT NOT NULL,
    name_en TEXT NOT NULL
);
INSERT INTO crc_article (number, name_nb, name_nn, name_en) VALUES
    (1, 'Definisjon av barn', 'Definisjon av barn', 'Definition of the child'),
    (2, 'Ikke-diskriminering', 'Ikkje-diskriminering', 'Non-discrimination'),
    (3, 'Barnets beste', 'Barnets beste', 'Best interests of the child'),
    (4, 'Statens plikt til å gjennomføre rettighetene', 'Plikta staten har til å gjennomføre rettane', 'Implementation of rights'),
    (5, 'Foreldrenes veiledning', 'Rettleiing frå foreldra', 'Parental guidance'),
    (6, 'Rett til liv og utvikling', 'Rett til liv og utvikling', 'Life, survival and development'),
    (7, 'Navn, statsborgerskap og omsorg', 'Namn, statsborgarskap og omsorg', 'Name, nationality and care'),
    (8, 'Identitet', 'Identitet', 'Identity'),
    (9, 'Atskillelse fra foreldrene', 'Åtskiljing frå foreldra', 'Separation from parents'),
    (10, 'Familiegjenforening', 'Familiesameining', 'Family reunification'),
    (11, 'Ulovlig bortføring til utlandet', 'Ulovleg bortføring til utlandet', 'Abduction abroad'),
    (12, 'Retten til å bli hørt', 'Retten til å bli høyrd', 'The right to be heard'),
    (13, 'Ytringsfrihet', 'Ytringsfridom', 'Freedom of expression'),
    (14, 'Tanke-, samvittighets- og religionsfrihet', 'Tanke-, samvits- og religionsfridom', 'Freedom of thought, conscience and religion'),
    (15, 'Organisasjons- og forsamlingsfrihet', 'Organisasjons- og forsamlingsfridom', 'Freedom of association and assembly'),
    (16, 'Privatliv', 'Privatliv', 'Privacy'),
    (17, 'Tilgang til informasjon', 'Tilgang til informasjon', 'Access to information'),
    (18, 'Foreldrenes ansvar og statens støtte', 'Ansvaret til foreldra og støtte frå staten', 'Parents'' responsibility and state support'),
    (19, 'Vern mot vold, overgrep og omsorgssvikt', 'Vern mot vald, overgrep og omsorgssvikt', 'Protection from violence, abuse and neglect'),
    (20, 'Barn som ikke kan bo med familien sin', 'Barn som ikkje kan bu med familien sin', 'Children who cannot live with their family'),
    (21, 'Adopsjon', 'Adopsjon', 'Adoption'),
    (22, 'Barn som er flyktninger', 'Barn som er flyktningar', 'Refugee children'),
    (23, 'Barn med funksjonsnedsettelse', 'Barn med funksjonsnedsetjing', 'Children with disabilities'),
    (24, 'Helse og helsetjenester', 'Helse og helsetenester', 'Health and health services'),
    (25, 'Jevnlig vurdering av plassering', 'Jamleg vurdering av plassering', 'Periodic review of placement'),
    (26, 'Trygd og sosiale ytelser', 'Trygd og sosiale ytingar', 'Social security'),
    (27, 'Levestandard', 'Levestandard', 'Standard of living'),
    (28, 'Utdanning', 'Utdanning', 'Education'),
    (29, 'Målet med utdanningen', 'Målet med utdanninga', 'Aims of education'),
    (30, 'Barn fra minoriteter og urfolk', 'Barn frå minoritetar og urfolk', 'Children of minorities and indigenous peoples'),
    (31, 'Lek, fritid og kultur', 'Leik, fritid og kultur', 'Play, leisure and culture'),
    (32, 'Vern mot økonomisk utnytting', 'Vern mot økonomisk utnytting', 'Protection from economic exploitation'),
    (33, 'Vern mot narkotika', 'Vern mot narkotika', 'Protection from drugs'),
    (34, 'Vern mot seksuell utnytting', 'Vern mot seksuell utnytting', 'Protection from sexual exploitation'),
    (35, 'Vern mot bortføring og menneskehandel', 'Vern mot bortføring og menneskehandel', 'Protection from abduction and trafficking'),
    (36, 'Vern mot andre former for utnytting', 'Vern mot andre former for utnytting', 'Protection from other exploitation'),
    (37, 'Vern mot tortur og frihetsberøvelse', 'Vern mot tortur og fridomsrøving', 'Protection from torture and deprivation of liberty'),
    (38, 'Barn i væpnet konflikt', 'Barn i væpna konflikt', 'Children in armed conflict'),
    (39, 'Rehabilitering', 'Rehabilitering', 'Rehabilitation'),
    (40, 'Barn i strafferettspleien', 'Barn i strafferettspleia', 'Children in the justice system'),
    (41, 'Bedre nasjonale regler gjelder', 'Betre nasjonale reglar gjeld', 'Higher national standards apply'),
    (42, 'Kjennskap til konvensjonen', 'Kjennskap til konvensjonen', 'Knowledge of the Convention'),
    (43, 'FNs barnekomité', 'FNs barnekomité', 'The Committee on the Rights of the Child'),
    (44, 'Statenes rapporter', 'Rapportane frå statane', 'Reports by states'),
    (45, 'Samarbeid med FN-organer', 'Samarbeid med FN-organ', 'Cooperation with UN bodies'),
    (46, 'Undertegning', 'Underskriving', 'Signature'),
    (47, 'Ratifikasjon', 'Ratifikasjon', 'Ratification'),
    (48, 'Tiltredelse', 'Tiltreding', 'Accession'),
    (49, 'Ikrafttredelse', 'Ikraftsetjing', 'Entry into force'),
    (50, 'Endringer', 'Endringar', 'Amendments'),
    (51, 'Forbehold', 'Atterhald', 'Reservations'),
    (52, 'Oppsigelse', 'Oppseiing', 'Denunciation'),
    (53, 'Depositar', 'Depositar', 'Depositary'),
    (54, 'Originaltekster', 'Originaltekstar', 'Authentic texts');

CREATE TABLE framework (
    id BIGINT PRIMARY KEY NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);
INSERT INTO framework (id, code, name) VALUES (1, 'sjumilssteget', 'Sjumilssteget (nasjonal versjon)');

CREATE TABLE framework_step (
    framework_id BIGINT NOT NULL REFERENCES framework (id),
    number BIGINT NOT NULL,
    name_nb TEXT NOT NULL,
    name_nn TEXT NOT NULL,
    name_en TEXT NOT NULL,
    PRIMARY KEY (framework_id, number)
);
INSERT INTO framework_step (framework_id, number, name_nb, name_nn, name_en) VALUES
    (1, 1, 'Medbestemmelse', 'Medråderett', 'Participation'),
    (1, 2, 'God omsorg', 'God omsorg', 'Good care'),
    (1, 3, 'Særskilt vern og støtte', 'Særskilt vern og støtte', 'Special protection and support'),
    (1, 4, 'Vern mot overgrep', 'Vern mot overgrep', 'Protection from abuse'),
    (1, 5, 'Fullverdig liv', 'Fullverdig liv', 'A full life'),
    (1, 6, 'God helse', 'God helse', 'Good health'),
    (1, 7, 'God utdanning', 'God utdanning', 'Good education');

-- Which articles each step holds: `core`, or `overarching` for the article that runs
-- through every step.
CREATE TABLE framework_step_article (
    framework_id BIGINT NOT NULL,
    step BIGINT NOT NULL,
    article BIGINT NOT NULL REFERENCES crc_article (number),
    role TEXT NOT NULL,
    PRIMARY KEY (framework_id, step, article),
    FOREIGN KEY (framework_id, step) REFERENCES framework_step (framework_id, number)
);
INSERT INTO framework_step_article (framework_id, step, article, role) VALUES
    (1, 1, 12, 'core'),
    (1, 2, 18, 'core'),
    (1, 2, 26, 'core'),
    (1, 2, 27, 'core'),
    (1, 3, 20, 'core'),
    (1, 4, 19, 'core'),
    (1, 5, 23, 'core'),
    (1, 6, 24, 'core'),
    (1, 7, 28, 'core'),
    (1, 7, 29, 'core'),
    (1, 7, 30, 'core');
CREATE TABLE framework_article (
    framework_id BIGINT NOT NULL REFERENCES framework (id),
    article BIGINT NOT NULL REFERENCES crc_article (number),
    role TEXT NOT NULL,
    PRIMARY KEY (framework_id, article)
);
INSERT INTO framework_article (framework_id, article, role) VALUES (1, 3, 'overarching');

-- A finding links to articles and steps by id. (`finding.crc_articles` and
-- `finding.steps` are still written, as text, for a rollback; samla reads the links.)
CREATE TABLE finding_article (
    finding_id BIGINT NOT NULL REFERENCES finding (id) ON DELETE CASCADE,
    article BIGINT NOT NULL REFERENCES crc_article (number),
    PRIMARY KEY (finding_id, article)
);
CREATE INDEX finding_article_article ON finding_article (article);
CREATE TABLE finding_step (
    finding_id BIGINT NOT NULL REFERENCES finding (id) ON DELETE CASCADE,
    framework_id BIGINT NOT NULL,
    step BIGINT NOT NULL,
    PRIMARY KEY (finding_id, framework_id, step),
    FOREIGN KEY (framework_id, step) REFERENCES framework_step (framework_id, number)
);
CREATE INDEX finding_step_step ON finding_step (framework_id, step);
