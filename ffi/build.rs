//! Give the shared library the soname `liblxdclient.so.0` so programs linked against it keep
//! working across compatible upgrades (`make install` adds the .so.0 / .so symlinks). The
//! `cdylib` link arg touches only liblxdclient.so: the rlib, tests and examples are unaffected.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,liblxdclient.so.0");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
