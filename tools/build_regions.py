#!/usr/bin/env python3
"""Builds samla's own region reference files (data/regions/*.csv) from the
published facts in the shared data folder (see data/regions/SOURCES.md).

Usage: python3 tools/build_regions.py ../shared/data data/regions

The output is committed; the binary embeds it. Each row carries a validity
period so that every date can be resolved to the names valid then.
"""
import csv
import sys
from datetime import date, timedelta
from pathlib import Path

# The periods the published lists describe. The 2019 lists start when the
# ten embeter were formed (1 January 2019).
P2019 = ("2019-01-01", "2019-12-31")
P2020 = ("2020-01-01", "2023-12-31")
P2024 = ("2024-01-01", "")
REFORM_2020 = "2020-01-01"
REFORM_2024 = "2024-01-01"
TITLE_CHANGE = "2021-01-01"  # Fylkesmannen -> Statsforvalteren
DISTRICTS_FROM = "2004-01-01"  # Oslo's 15 districts ("Bydelsinndeling 2004")


def read(src, name):
    with open(src / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def day_before(iso):
    return (date.fromisoformat(iso) - timedelta(days=1)).isoformat()


def merge_periods(rows, key_fields):
    """Joins consecutive periods of rows that are identical in key_fields."""
    rows = sorted(rows, key=lambda r: (tuple(r[k] for k in key_fields), r["valid_from"]))
    out = []
    for r in rows:
        prev = out[-1] if out else None
        if (
            prev
            and all(prev[k] == r[k] for k in key_fields)
            and prev["valid_to"]
            and day_before(r["valid_from"]) == prev["valid_to"]
        ):
            prev["valid_to"] = r["valid_to"]
        else:
            out.append(dict(r))
    return out


def write(dst, name, fields, rows):
    with open(dst / name, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: r[k] for k in fields})


def main(src, dst):
    src, dst = Path(src), Path(dst)
    dst.mkdir(parents=True, exist_ok=True)
    embeter = read(src, "embeter.csv")

    # Embete names through time.
    names = []
    for e in embeter:
        code = e["kode"]
        names += [
            dict(code=code, name=f"Fylkesmannen i {e['navn_2019_2023']}",
                 valid_from=P2019[0], valid_to=day_before(TITLE_CHANGE)),
            dict(code=code, name=f"Statsforvalteren i {e['navn_2019_2023']}",
                 valid_from=TITLE_CHANGE, valid_to=day_before(REFORM_2024)),
            dict(code=code, name=f"Statsforvalteren i {e['navn_fra_2024']}",
                 valid_from=REFORM_2024, valid_to=""),
        ]
    names = merge_periods(names, ["code", "name"])
    write(dst, "embeter.csv", ["code", "name", "valid_from", "valid_to"],
          sorted(names, key=lambda r: (r["code"], r["valid_from"])))

    # Counties, each with the embete that covered it in that period.
    periods = [("2019", P2019, "fylker_2019"), ("2020", P2020, "fylker_2020_2023"),
               ("2024", P2024, "fylker_fra_2024")]
    county_embete = {}
    counties = []
    for year, (vf, vt), col in periods:
        embete_of = {n: e["kode"] for e in embeter for n in e[col].split()}
        for c in read(src, f"fylker-{year}.csv"):
            number = c["fylkesnummer"]
            if number not in embete_of:
                sys.exit(f"county {number} ({year}) has no embete")
            county_embete[(year, number)] = embete_of[number]
            counties.append(dict(number=number, name=c["navn"], embete=embete_of[number],
                                 valid_from=vf, valid_to=vt))
    counties = merge_periods(counties, ["number", "name", "embete"])
    write(dst, "counties.csv", ["number", "name", "embete", "valid_from", "valid_to"],
          sorted(counties, key=lambda r: (r["number"], r["valid_from"])))

    # Municipalities per period; the county is the first two digits.
    munis = []
    for year, (vf, vt), _ in periods:
        for m in read(src, f"kommuner-{year}.csv"):
            number = m["kommunenummer"]
            county = number[:2]
            if (year, county) not in county_embete:
                sys.exit(f"municipality {number} ({year}) in unknown county {county}")
            munis.append(dict(number=number, name=m["navn"], county=county,
                              embete=county_embete[(year, county)], valid_from=vf, valid_to=vt))
    munis = merge_periods(munis, ["number", "name", "county", "embete"])
    write(dst, "municipalities.csv",
          ["number", "name", "county", "embete", "valid_from", "valid_to"],
          sorted(munis, key=lambda r: (r["number"], r["valid_from"])))

    # Links between the version valid the day before a reform and the one valid on it.
    links = []
    for fname, a, b, when in [("kommuneendringer-2019-2020.csv", "nummer_2019", "nummer_2020", REFORM_2020),
                              ("kommuneendringer-2020-2024.csv", "nummer_2020", "nummer_2024", REFORM_2024)]:
        rows = read(src, fname)
        succ_count = {}
        pred_count = {}
        for r in rows:
            succ_count[r[a]] = succ_count.get(r[a], 0) + 1
            pred_count[r[b]] = pred_count.get(r[b], 0) + 1
        for r in rows:
            pred, succ = r[a], r[b]
            if succ_count[pred] > 1:
                kind = "split"
            elif pred_count[succ] > 1:
                kind = "merged"
            elif pred == succ:
                kind = "renamed"
            else:
                kind = "renumbered"
            links.append(dict(date=when, predecessor=pred, successor=succ, kind=kind))

    # A number that is kept but gets a new name is a rename too; drop identities.
    valid_on = {}
    for m in munis:
        valid_on.setdefault(m["number"], []).append(m)

    def version(number, day):
        for m in valid_on.get(number, []):
            if m["valid_from"] <= day and (not m["valid_to"] or m["valid_to"] >= day):
                return m
        return None

    checked = []
    for l in links:
        before = version(l["predecessor"], day_before(l["date"]))
        after = version(l["successor"], l["date"])
        if before is None or after is None:
            sys.exit(f"change {l} does not resolve to versions")
        if before is after:
            continue  # same number, same name: nothing changed
        checked.append(l)
    write(dst, "municipality_changes.csv", ["date", "predecessor", "successor", "kind"],
          sorted(checked, key=lambda r: (r["date"], r["predecessor"], r["successor"])))

    districts = [dict(number=d["bydelsnummer"], name=d["navn"], valid_from=DISTRICTS_FROM, valid_to="")
                 for d in read(src, "bydeler-oslo.csv") if not d["merknad"]]
    write(dst, "districts.csv", ["number", "name", "valid_from", "valid_to"], districts)
    print(f"embete names {len(names)}, counties {len(counties)}, municipalities {len(munis)}, "
          f"changes {len(checked)}, districts {len(districts)}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
