//! The two-server flows: an instance copy or move ([`InstanceCopyFlow`]) and an image copy
//! ([`ImageCopyFlow`]) between two servers.

use crate::spec::Op;
use crate::error::{Error, Result};
use crate::flow::{Flow, Step};
use crate::models::{Image, Instance, Server};
use crate::operation::{self, Operation};
use crate::request::{check_instance_name, encode_component, Request, Scope};
use crate::response::{parse_async, parse_sync, parse_sync_or_async, Response};
use serde_json::{Map, Value};
use super::copy::*;
use super::images::*;
use super::options::*;

/// Which server a flow step talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The server the instance or image comes from.
    Source,
    /// The server it goes to.
    Target,
}

/// What a two-server flow wants next: a [`Step`] whose side is a [`Side`], done with the result's
/// name (the target instance, the image fingerprint).
pub type TwoServerStep = Step<String, Side>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CopyState {
    AwaitServer,
    AwaitInstance,
    AwaitSourceOp,
    AwaitTargetOp,
    WaitTarget,
    WaitSource,
    AwaitDelete,
    WaitDelete,
    Finished,
}

/// Copy (or move) an instance to another server in pull mode, as LXD's own client does:
/// 1. source `GET /1.0` (its addresses and certificate);
/// 2. source `GET /1.0/instances/<name>`;
/// 3. source `POST /1.0/instances/<name> {migration: true}` → operation with secrets;
/// 4. target `POST /1.0/instances {source: {type: migration, mode: pull, operation: <source op
///    URL>, certificate, secrets}}`;
/// 5. wait for the target's operation, then the source's;
/// 6. for a move, delete the source (snapshots go with it).
#[derive(Debug, Clone)]
pub struct InstanceCopyFlow {
    name: String,
    target_name: String,
    opts: CopyOptions,
    remove_source: bool,
    client_url: Option<String>,
    state: CopyState,
    server: Option<SourceServer>,
    instance: Option<Instance>,
    source_op: Option<String>,
    source_done: bool,
}

impl InstanceCopyFlow {
    /// A copy (`remove_source` false) or a move (true) of `name` to `target_name` on the target.
    /// `client_url` is the HTTPS URL the source client uses, if any (the target tries it first).
    pub fn new(name: &str, target_name: &str, opts: CopyOptions, remove_source: bool, client_url: Option<&str>) -> Result<InstanceCopyFlow> {
        check_instance_name(name)?;
        check_instance_name(target_name)?;
        Ok(InstanceCopyFlow {
            name: name.into(),
            target_name: target_name.into(),
            opts,
            remove_source,
            client_url: client_url.map(str::to_string),
            state: CopyState::AwaitServer,
            server: None,
            instance: None,
            source_op: None,
            source_done: false,
        })
    }

    fn finish(&mut self) -> Result<TwoServerStep> {
        self.state = CopyState::Finished;
        Ok(TwoServerStep::Done(self.target_name.clone()))
    }
}

impl Flow for InstanceCopyFlow {
    type Output = String;
    type Side = Side;

    /// The first step.
    fn start(&mut self) -> Result<TwoServerStep> {
        Ok(Step::Send(Side::Source, Request::get(&[]).scope(Scope::BOTH)))
    }

    /// Feed the reply to the last `Send`.
    fn on_response(&mut self, resp: &Response) -> Result<TwoServerStep> {
        match self.state {
            CopyState::AwaitServer => {
                let server: Server = parse_sync(resp)?;
                let preferred = self.opts.source_url.clone().or_else(|| self.client_url.clone());
                self.server = Some(SourceServer::from_server(&server, preferred.as_deref())?);
                self.state = CopyState::AwaitInstance;
                Ok(TwoServerStep::Send(Side::Source, Request::get(&["instances", &self.name]).scope(Op::InstanceGet.scope())))
            }
            CopyState::AwaitInstance => {
                let inst: Instance = parse_sync(resp)?;
                if self.remove_source && inst.status_code == operation::status::RUNNING && !self.opts.live {
                    return Err(Error::invalid(format!("instance {:?} is running: stop it before moving it (or use live migration)", self.name)));
                }
                self.instance = Some(inst);
                self.state = CopyState::AwaitSourceOp;
                Ok(TwoServerStep::Send(Side::Source, migration_source(&self.name, self.opts.live, self.opts.instance_only)?.request))
            }
            CopyState::AwaitSourceOp => {
                let op = parse_async(resp)?;
                self.source_op = Some(op.id.clone());
                let secrets = migration_secrets(&op)?;
                let server = self.server.as_ref().ok_or_else(|| Error::protocol("flow out of order"))?;
                let inst = self.instance.as_ref().ok_or_else(|| Error::protocol("flow out of order"))?;
                let url = format!("{}/1.0/operations/{}", server.urls[0], encode_component(&op.id));
                let body = migration_target_body(&self.target_name, inst, &url, &server.certificate, &secrets, &self.opts, self.remove_source)?;
                self.state = CopyState::AwaitTargetOp;
                Ok(TwoServerStep::Send(Side::Target, Request::post(&["instances"]).scope(Scope::BOTH).json(&body)?))
            }
            CopyState::AwaitTargetOp => {
                let op = parse_async(resp)?;
                self.state = CopyState::WaitTarget;
                Ok(TwoServerStep::Wait(Side::Target, op.id))
            }
            CopyState::AwaitDelete => match parse_sync_or_async(resp)? {
                Some(op) => {
                    self.state = CopyState::WaitDelete;
                    Ok(TwoServerStep::Wait(Side::Source, op.id))
                }
                None => self.finish(),
            },
            _ => Err(Error::protocol("copy flow got a reply it did not ask for")),
        }
    }

    /// Feed the operation a `Wait` step waited for (successfully).
    fn on_waited(&mut self, _op: &Operation) -> Result<TwoServerStep> {
        match self.state {
            CopyState::WaitTarget => {
                self.state = CopyState::WaitSource;
                let id = self.source_op.clone().ok_or_else(|| Error::protocol("flow out of order"))?;
                Ok(TwoServerStep::Wait(Side::Source, id))
            }
            CopyState::WaitSource => {
                self.source_done = true;
                if self.remove_source {
                    self.state = CopyState::AwaitDelete;
                    Ok(TwoServerStep::Send(Side::Source, Request::delete(&["instances", &self.name]).scope(Op::InstanceDelete.scope())))
                } else {
                    self.finish()
                }
            }
            CopyState::WaitDelete => self.finish(),
            _ => Err(Error::protocol("copy flow got an operation it did not wait for")),
        }
    }


    /// Best-effort requests to send after a failure: cancel the source's migration operation if it
    /// is still waiting for a target that will never come.
    fn cleanup(&self) -> Vec<(Side, Request)> {
        match (&self.source_op, self.source_done) {
            (Some(id), false) => operation::cancel(id).map(|r| vec![(Side::Source, r)]).unwrap_or_default(),
            _ => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ImageCopyState {
    AwaitServer,
    AwaitImage,
    AwaitSecret,
    AwaitTargetOp,
    WaitTarget,
    Finished,
}

/// Copy an image to another server, as LXD's own client does: 1. source `GET /1.0`, 2. source
/// `GET /1.0/images/<fp>` (the full fingerprint), 3. source `POST /1.0/images/<fp>/secret`,
/// 4. target `POST /1.0/images {source: {type: image, mode: pull, server, certificate, secret,
/// fingerprint}}`, 5. wait for the target's operation. The target downloads from the source over
/// HTTPS with the one-time secret: it need not be trusted by the source.
#[derive(Debug, Clone)]
pub struct ImageCopyFlow {
    fingerprint: String,
    options: Map<String, Value>,
    source_url: Option<String>,
    state: ImageCopyState,
    server: Option<SourceServer>,
    full_fingerprint: Option<String>,
    secret_op: Option<String>,
    done: bool,
}

impl ImageCopyFlow {
    /// Copy `fingerprint` (or a unique prefix). `options_json` may hold `public`, `auto_update`,
    /// `aliases` for the target, and `source_url` (the source as the target reaches it).
    /// `client_url` is the HTTPS URL the source client uses, if any.
    pub fn new(fingerprint: &str, options_json: Option<&str>, client_url: Option<&str>) -> Result<ImageCopyFlow> {
        crate::api::images::check_fingerprint(fingerprint)?;
        let mut options = parse_options(options_json, "image copy options")?;
        let source_url = take_string(&mut options, "source_url")?.or_else(|| client_url.map(str::to_string));
        if options.contains_key("source") {
            return Err(Error::invalid("option \"source\" is set by this call and cannot be given"));
        }
        if let Some(a) = options.get("aliases").cloned() {
            options.insert("aliases".into(), aliases_json(&parse_aliases(Some(a))?));
        }
        Ok(ImageCopyFlow { fingerprint: fingerprint.into(), options, source_url, state: ImageCopyState::AwaitServer, server: None, full_fingerprint: None, secret_op: None, done: false })
    }
}

impl Flow for ImageCopyFlow {
    type Output = String;
    type Side = Side;

    /// The first step.
    fn start(&mut self) -> Result<TwoServerStep> {
        Ok(Step::Send(Side::Source, Request::get(&[]).scope(Scope::BOTH)))
    }

    /// Feed the reply to the last `Send`.
    fn on_response(&mut self, resp: &Response) -> Result<TwoServerStep> {
        match self.state {
            ImageCopyState::AwaitServer => {
                let server: Server = parse_sync(resp)?;
                self.server = Some(SourceServer::from_server(&server, self.source_url.as_deref())?);
                self.state = ImageCopyState::AwaitImage;
                Ok(TwoServerStep::Send(Side::Source, Request::get(&["images", &self.fingerprint]).scope(Scope::PROJECT)))
            }
            ImageCopyState::AwaitImage => {
                let image: Image = parse_sync(resp)?;
                crate::api::images::check_fingerprint(&image.fingerprint).map_err(|_| Error::protocol("image without a fingerprint"))?;
                self.state = ImageCopyState::AwaitSecret;
                let req = image_secret(&image.fingerprint)?.request;
                self.full_fingerprint = Some(image.fingerprint);
                Ok(TwoServerStep::Send(Side::Source, req))
            }
            ImageCopyState::AwaitSecret => {
                let op = parse_async(resp)?;
                self.secret_op = Some(op.id.clone());
                let secret = image_secret_value(&op)?;
                let server = self.server.as_ref().ok_or_else(|| Error::protocol("flow out of order"))?;
                let fp = self.full_fingerprint.as_deref().ok_or_else(|| Error::protocol("flow out of order"))?;
                let call = image_copy_target(fp, &server.urls[0], &server.certificate, &secret, self.options.clone())?;
                self.state = ImageCopyState::AwaitTargetOp;
                Ok(TwoServerStep::Send(Side::Target, call.request))
            }
            ImageCopyState::AwaitTargetOp => {
                let op = parse_async(resp)?;
                self.state = ImageCopyState::WaitTarget;
                Ok(TwoServerStep::Wait(Side::Target, op.id))
            }
            _ => Err(Error::protocol("image copy flow got a reply it did not ask for")),
        }
    }

    /// Feed the operation a `Wait` step waited for (successfully).
    fn on_waited(&mut self, op: &Operation) -> Result<TwoServerStep> {
        if self.state != ImageCopyState::WaitTarget {
            return Err(Error::protocol("image copy flow got an operation it did not wait for"));
        }
        self.state = ImageCopyState::Finished;
        self.done = true;
        let fp = match image_fingerprint(op) {
            Ok(fp) => fp,
            Err(_) => self.full_fingerprint.clone().ok_or_else(|| Error::protocol("flow out of order"))?,
        };
        Ok(TwoServerStep::Done(fp))
    }

    /// Best-effort requests after a failure: revoke the unused secret.
    fn cleanup(&self) -> Vec<(Side, Request)> {
        match (&self.secret_op, self.done) {
            (Some(id), false) => operation::cancel(id).map(|r| vec![(Side::Source, r)]).unwrap_or_default(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use crate::transfer::test_support::*;

    fn server_json(addresses: Value) -> Value {
        crate::models::full_server(json!({"auth":"trusted","environment":{"addresses":addresses,"certificate":PEM}}))
    }

    #[test]
    fn instance_copy_flow() {
        let mut f = InstanceCopyFlow::new("c1", "c1b", CopyOptions::from_json(Some(r#"{"config":{"user.new":"1"}}"#)).unwrap(), false, None).unwrap();
        assert_eq!(f.start().unwrap(), Step::Send(Side::Source, Request::get(&[]).scope(Scope::BOTH)));
        let Step::Send(Side::Source, r) = f.on_response(&sync(server_json(json!(["127.0.0.1:8443"])))).unwrap() else { panic!() };
        assert_eq!(r.path, "/1.0/instances/c1");
        let inst = crate::models::full_instance(json!({"name":"c1","architecture":"x86_64","status_code":102,"type":"container","profiles":["default"],"devices":{},
            "config":{"volatile.base_image":"abc","volatile.eth0.hwaddr":"00:16:3e:00:00:01","user.a":"b"},"ephemeral":false,"stateful":false,"description":"d"}));
        let Step::Send(Side::Source, r) = f.on_response(&sync(inst.clone())).unwrap() else { panic!() };
        assert_eq!(body(&r), json!({"migration":true,"live":false,"instance_only":false,"container_only":false}));
        assert!(f.cleanup().is_empty());
        let Step::Send(Side::Target, r) = f.on_response(&async_op("op-1", json!({"control":"c","fs":"f"}))).unwrap() else { panic!() };
        assert_eq!(f.cleanup(), vec![(Side::Source, operation::cancel("op-1").unwrap())]);
        assert_eq!(r.path, "/1.0/instances");
        assert_eq!(
            body(&r),
            json!({"name":"c1b","architecture":"x86_64","config":{"user.a":"b","user.new":"1"},"devices":{},"ephemeral":false,"profiles":["default"],"stateful":false,"description":"d","type":"container",
                "source":{"type":"migration","mode":"pull","operation":"https://127.0.0.1:8443/1.0/operations/op-1","certificate":PEM,"secrets":{"control":"c","fs":"f"},
                    "live":false,"instance_only":false,"container_only":false,"base-image":"abc"}})
        );
        assert_eq!(f.on_response(&async_op("op-2", Value::Null)).unwrap(), Step::Wait(Side::Target, "op-2".into()));
        assert_eq!(f.on_waited(&Operation::default()).unwrap(), Step::Wait(Side::Source, "op-1".into()));
        assert_eq!(f.on_waited(&Operation::default()).unwrap(), Step::Done("c1b".into()));
        assert!(f.cleanup().is_empty());
    }

    #[test]
    fn instance_move_flow() {
        let mut f = InstanceCopyFlow::new("c1", "c1", CopyOptions::from_json(Some(r#"{"source_url":"https://10.0.0.1:9999"}"#)).unwrap(), true, Some("https://ignored:1")).unwrap();
        f.on_response(&sync(server_json(json!([])))).unwrap();
        let running = crate::models::full_instance(json!({"name":"c1","status_code":103,"config":{}}));
        let mut g = f.clone();
        assert!(matches!(g.on_response(&sync(running)), Err(Error::InvalidArgument(_))));
        let stopped = crate::models::full_instance(json!({"name":"c1","status_code":102,"config":{"volatile.eth0.hwaddr":"x"}}));
        f.on_response(&sync(stopped)).unwrap();
        let Step::Send(Side::Target, r) = f.on_response(&async_op("s", json!({"control":"c","fs":"f","criu":"k"}))).unwrap() else { panic!() };
        let b = body(&r);
        assert_eq!(b["source"]["operation"], "https://10.0.0.1:9999/1.0/operations/s");
        assert_eq!(b["source"]["secrets"], json!({"control":"c","fs":"f","criu":"k"}));
        assert_eq!(b["config"], json!({"volatile.eth0.hwaddr":"x"}), "a move keeps volatile keys");
        f.on_response(&async_op("t", Value::Null)).unwrap();
        f.on_waited(&Operation::default()).unwrap();
        let Step::Send(Side::Source, del) = f.on_waited(&Operation::default()).unwrap() else { panic!() };
        assert_eq!((del.method.as_str(), del.path.as_str()), ("DELETE", "/1.0/instances/c1"));
        assert_eq!(f.on_response(&async_op("d", Value::Null)).unwrap(), Step::Wait(Side::Source, "d".into()));
        assert_eq!(f.on_waited(&Operation::default()).unwrap(), Step::Done("c1".into()));
        // Errors: no address and no URL; missing secrets; untrusted view without certificate.
        let mut h = InstanceCopyFlow::new("c1", "c2", CopyOptions::default(), false, None).unwrap();
        assert!(h.on_response(&sync(server_json(json!([])))).is_err());
        let mut h = InstanceCopyFlow::new("c1", "c2", CopyOptions::default(), false, None).unwrap();
        assert!(h.on_response(&sync(crate::models::full_server(json!({"environment":{"addresses":["1.2.3.4:8443"]}})))).is_err());
        assert!(migration_secrets(&Operation { metadata: json!({"control":"c"}), ..Default::default() }).is_err());
    }

    #[test]
    fn image_copy_flow() {
        let mut f = ImageCopyFlow::new("abc", Some(r#"{"aliases":["copied"],"public":true}"#), None).unwrap();
        assert!(matches!(f.start().unwrap(), Step::Send(Side::Source, _)));
        let Step::Send(Side::Source, r) = f.on_response(&sync(server_json(json!(["127.0.0.1:1234"])))).unwrap() else { panic!() };
        assert_eq!(r.path, "/1.0/images/abc");
        let fp = "abc".to_string() + &"0".repeat(61);
        let Step::Send(Side::Source, r) = f.on_response(&sync(crate::models::full_image(json!({"fingerprint":fp})))).unwrap() else { panic!() };
        assert_eq!(r.path, format!("/1.0/images/{fp}/secret"));
        let Step::Send(Side::Target, r) = f.on_response(&async_op("sec", json!({"secret":"S"}))).unwrap() else { panic!() };
        assert_eq!(f.cleanup(), vec![(Side::Source, operation::cancel("sec").unwrap())]);
        assert_eq!(
            body(&r),
            json!({"source":{"type":"image","mode":"pull","protocol":"lxd","server":"https://127.0.0.1:1234","certificate":PEM,"secret":"S","fingerprint":fp},
                "aliases":[{"name":"copied","description":""}],"public":true})
        );
        assert_eq!(f.on_response(&async_op("dl", Value::Null)).unwrap(), Step::Wait(Side::Target, "dl".into()));
        let done = Operation { metadata: json!({"fingerprint": fp}), ..Default::default() };
        assert_eq!(f.on_waited(&done).unwrap(), Step::Done(fp.clone()));
        assert!(f.cleanup().is_empty());
        assert!(ImageCopyFlow::new("xyz", None, None).is_err());
        assert!(ImageCopyFlow::new("abc", Some(r#"{"source":{}}"#), None).is_err());
    }
}
