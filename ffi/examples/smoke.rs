use lxdclient::{core::api, ClientBuilder};
fn main() {
    let c = ClientBuilder::unix(None).build().unwrap();
    let s = c.call(api::server::get()).unwrap();
    println!("auth={} version={:?} etag={:?}", s.value.auth, s.value.environment.get("server_version"), s.etag);
    let t = std::time::Instant::now();
    for _ in 0..100 { c.call(api::server::get()).unwrap(); }
    println!("100 GET /1.0: {:?}", t.elapsed());
    println!("{:?}", c.call(api::profiles::collection().list_names()));
    println!("{:?}", c.call(api::instances::collection().get::<lxd_core::models::Instance>("nope").unwrap()));
    let pem = std::fs::read("/tmp/devlxd/server.crt").unwrap();
    let h = ClientBuilder::https("https://127.0.0.1:18443").server_trust(lxdclient::tls::ServerTrust::Pinned(lxdclient::tls::parse_certs(&pem, "x").unwrap().remove(0))).build().unwrap();
    println!("https trusted: {:?}", h.trusted());
    let h2 = ClientBuilder::https("https://127.0.0.1:18443").build().unwrap();
    println!("https webpki: {:?}", h2.trusted());
}
