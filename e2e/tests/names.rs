//! Channel display names against the real Worker: a name a reader could
//! take for the site's staff or the site itself is refused at the
//! handshake (`forbidden`, with the reason); an ordinary name that only
//! looks close joins.

use e2e::base_url;
use e2e::client::Socket;
use shared::api::channel_socket_path;
use shared::{ErrorCode, ServerMsg};

fn visitor(n: u64) -> String {
    format!("{:064x}", n * 7_919 + u64::from(std::process::id()))
}

#[test]
fn names_that_imitate_staff_are_refused_and_ordinary_ones_join() {
    for (n, name) in ["Support", "M0derator", "a d m i n", "Demo"].iter().enumerate() {
        let mut s =
            Socket::open(&base_url(), &channel_socket_path("demo", "live", &visitor(n as u64), name, 0)).unwrap();
        match s.recv().map(|f| f.msg) {
            Ok(ServerMsg::Error { code: ErrorCode::Forbidden, message }) => {
                assert!(message.contains("staff"), "{message}");
            }
            other => panic!("{name:?} was not refused: {other:?}"),
        }
    }
    let mut s =
        Socket::open(&base_url(), &channel_socket_path("demo", "live", &visitor(9), "Supportive Sam", 0)).unwrap();
    s.welcome_and_replay(0).unwrap();
}
