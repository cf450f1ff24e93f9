//! A TCP relay that puts a portal at a distance: every byte reaches the other side half a
//! round trip after it arrived, in each direction, as on a network link with that latency
//! and ample bandwidth. Loopback makes a round trip free and so hides the cost of
//! requests sent one after another; through the relay they cost what they cost.
//!
//! The delay is a delay line, not a sleep per chunk: a chunk is due `half` after it was
//! read, so chunks in flight overlap as they do on a real link.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// A running relay to `upstream`; it serves until the process ends.
pub struct Relay {
    address: SocketAddr,
}

impl Relay {
    /// Listens on 127.0.0.1 and relays each connection to `upstream` with `rtt` added to
    /// every round trip.
    pub fn start(upstream: SocketAddr, rtt: Duration) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the relay");
        let address = listener.local_addr().expect("the relay's address");
        let half = rtt / 2;
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(upstream) else {
                    continue;
                };
                let _ = client.set_nodelay(true);
                let _ = server.set_nodelay(true);
                let (Ok(client_in), Ok(server_in)) = (client.try_clone(), server.try_clone())
                else {
                    continue;
                };
                delay_line(client_in, server, half);
                delay_line(server_in, client, half);
            }
        });
        Relay { address }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }
}

/// Copies `from` to `to`, each chunk `half` after it was read; the end of `from` is
/// passed on as the end of `to`'s writing side, as late as the bytes before it.
fn delay_line(mut from: TcpStream, mut to: TcpStream, half: Duration) {
    let (sender, receiver) = mpsc::channel::<(Instant, Vec<u8>)>();
    thread::spawn(move || {
        let mut buffer = vec![0; 64 * 1024];
        loop {
            let n = from.read(&mut buffer).unwrap_or(0);
            let due = Instant::now() + half;
            // An empty chunk is the end of the stream.
            if sender.send((due, buffer[..n].to_vec())).is_err() || n == 0 {
                return;
            }
        }
    });
    thread::spawn(move || {
        for (due, chunk) in receiver {
            let now = Instant::now();
            if due > now {
                thread::sleep(due - now);
            }
            if chunk.is_empty() || to.write_all(&chunk).is_err() {
                let _ = to.shutdown(Shutdown::Write);
                return;
            }
        }
    });
}
