//! The HTTP server loop: axum's router behind limits that a slow or greedy client
//! cannot get around (finding F13 of the security review: a connection that sent its
//! headers one byte a minute was kept open forever, and nothing capped how many).
//!
//! - headers must arrive within [`Limits::header_read`], or the connection is closed;
//! - at most [`Limits::connections`] connections are served at once; the next one
//!   waits in the kernel's accept queue until a slot frees, and is not read meanwhile;
//! - a whole request, body included, is answered within the router's request timeout
//!   (`samla_web::routes::REQUEST_TIMEOUT`) with 408 otherwise;
//! - on SIGTERM new connections stop and those in flight finish.

use axum::Router;
use axum::extract::connect_info::IntoMakeServiceWithConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::Service;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_read: Duration,
    pub connections: usize,
    /// How long connections in flight get to finish after a shutdown signal.
    pub drain: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_read: Duration::from_secs(10),
            connections: 1024,
            drain: Duration::from_secs(20),
        }
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then drains.
pub async fn run(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let mut make: IntoMakeServiceWithConnectInfo<Router, SocketAddr> =
        app.into_make_service_with_connect_info::<SocketAddr>();
    let slots = Arc::new(Semaphore::new(limits.connections));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read);
    tokio::pin!(shutdown);
    loop {
        // A slot first: while every slot is taken, no new connection is accepted.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (stream, addr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment, do not spin.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let router = match make.call(addr).await {
            Ok(router) => router,
            Err(never) => match never {},
        };
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(router));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that goes away or times out is routine, not an error of ours.
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, %addr, "connection ended");
            }
            drop(slot);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.drain) => {
            tracing::warn!("connections still open after the drain time were cut");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    async fn started(limits: Limits) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = Router::new().route("/", get(|| async { "hei" }));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(run(listener, app, limits, async {
            let _ = stopped.await;
        }));
        (addr, stop)
    }

    /// Reads until the server closes the connection, or gives up after `within`.
    async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
        let mut buf = [0u8; 512];
        tokio::time::timeout(within, async {
            loop {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
            }
        })
        .await
        .is_ok()
    }

    /// F13: a client that starts its headers and never finishes them is cut off.
    #[tokio::test]
    async fn headers_that_never_finish_are_cut_off() {
        let limits = Limits {
            header_read: Duration::from_millis(300),
            ..Limits::default()
        };
        let (addr, _stop) = started(limits).await;
        let mut slow = TcpStream::connect(addr).await.unwrap();
        slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        assert!(closed_within(&mut slow, Duration::from_secs(5)).await);
    }

    /// F13: past the cap, a further connection is not served until one frees.
    #[tokio::test]
    async fn connections_past_the_cap_wait_for_a_free_slot() {
        let limits = Limits {
            connections: 1,
            ..Limits::default()
        };
        let (addr, _stop) = started(limits).await;
        let request = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        let mut first = TcpStream::connect(addr).await.unwrap();
        first.write_all(request).await.unwrap();
        let mut buf = [0u8; 512];
        assert!(
            first.read(&mut buf).await.unwrap() > 0,
            "the first is served"
        );
        let mut second = TcpStream::connect(addr).await.unwrap();
        second.write_all(request).await.unwrap();
        let waited = tokio::time::timeout(Duration::from_millis(300), second.read(&mut buf)).await;
        assert!(
            waited.is_err(),
            "the second waits while the first holds the slot"
        );
        drop(first);
        let answered = tokio::time::timeout(Duration::from_secs(5), second.read(&mut buf)).await;
        assert!(
            answered.unwrap().unwrap() > 0,
            "and is served once it frees"
        );
    }
}
