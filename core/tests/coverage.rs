//! Every operationId of LXD 5.0.2's REST API (reference/lxd-5.0.2-rest-api.yaml) and of Incus
//! 6.0.4's (reference/incus-6.0.4-rest-api.yaml), each read here with a small line parser,
//! independent of the generated core/src/spec.rs, has a typed builder, and the request each builder
//! makes with sample arguments matches its row in each spec that lists it: method, path, the fixed
//! query of the path key (`?recursion=1`, `?public`), the scope (`project=` / `target=` only where
//! the spec lists them), and no query key the spec does not list (bar documented exceptions).

#[path = "coverage/entries.rs"]
mod coverage;

use coverage::{fixed_query_pairs, sample_path, QUERY_BEYOND_SPEC};
use lxd_core::{spec, Scope};

#[derive(Debug, Clone)]
struct SpecOp {
    id: String,
    method: String,
    path: String,
    fixed: String,
    query: Vec<String>,
}

/// Parse the `paths:` section: path keys at 4 spaces, methods at 8, `operationId` at 12, and
/// parameters (`in: query` then `name:` of the same list item) at 18.
fn parse_spec(file: &str) -> Vec<SpecOp> {
    let text = std::fs::read_to_string(format!("{}/../reference/{file}", env!("CARGO_MANIFEST_DIR"))).expect(file);
    let mut ops = Vec::new();
    let mut in_paths = false;
    let mut key = String::new();
    let mut cur: Option<SpecOp> = None;
    let mut pending_query = false;
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            in_paths = line == "paths:";
            continue;
        }
        if !in_paths {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let t = line.trim();
        if indent == 4 && t.ends_with(':') {
            key = t.trim_end_matches(':').trim_matches('\'').trim_matches('"').to_string();
        } else if indent == 8 && t.ends_with(':') {
            if let Some(op) = cur.take() {
                ops.push(op);
            }
            let (path, fixed) = key.split_once('?').unwrap_or((key.as_str(), ""));
            cur = Some(SpecOp { id: String::new(), method: t.trim_end_matches(':').to_uppercase(), path: path.to_string(), fixed: fixed.to_string(), query: vec![] });
            pending_query = false;
        } else if let Some(op) = cur.as_mut() {
            if indent == 12 {
                if let Some(id) = t.strip_prefix("operationId: ") {
                    op.id = id.to_string();
                }
            } else if indent == 16 && t.starts_with("- ") {
                pending_query = false;
            } else if indent == 18 && t == "in: query" {
                pending_query = true;
            } else if indent == 18 && pending_query {
                if let Some(name) = t.strip_prefix("name: ") {
                    op.query.push(name.to_string());
                    pending_query = false;
                }
            }
        }
    }
    if let Some(op) = cur.take() {
        ops.push(op);
    }
    ops.retain(|o| !o.id.is_empty());
    ops
}

const LXD_SPEC: &str = "lxd-5.0.2-rest-api.yaml";
const INCUS_SPEC: &str = "incus-6.0.4-rest-api.yaml";

/// Operations whose scope Incus 6.0.4's spec widens: the builder keeps LXD 5.0.2's, which Incus
/// accepts (a request without `project=` is the default project's).
const INCUS_WIDER_SCOPE: &[(&str, &str)] = &[
    ("operations_get", "Incus lists `project` (and `all-projects`); LXD 5.0.2's spec lists no query: the operations of every project"),
    ("operations_get_recursion1", "as for operations_get"),
];

/// A path template without its parameters' names (`/1.0/x/{name}` → `/1.0/x/{}`).
fn shape(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for ch in path.chars() {
        match ch {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(ch),
        }
    }
    out
}

#[test]
fn every_incus_operation_has_a_builder_matching_the_incus_spec() {
    let lxd = parse_spec(LXD_SPEC);
    let ops = parse_spec(INCUS_SPEC);
    assert_eq!(ops.len(), 266, "Incus 6.0.4's spec lists 266 operations");
    let mut built = 0;
    let mut failures = Vec::new();
    let mut incus_only = 0;
    for op in &ops {
        let Some(entry) = coverage::entry(&op.id) else {
            failures.push(format!("{}: no entry in api::coverage::ENTRIES", op.id));
            continue;
        };
        // Shared operations: the same method, path (bar parameter names) and fixed query as LXD's,
        // so the builders' sample requests are checked against LXD's template.
        let mut row = op.clone();
        match lxd.iter().find(|l| l.id == op.id) {
            Some(l) => {
                assert_eq!((shape(&l.path), &l.method, &l.fixed), (shape(&op.path), &op.method, &op.fixed), "{}: LXD and Incus rows differ", op.id);
                row.path = l.path.clone();
            }
            None => incus_only += 1,
        }
        let samples = entry.samples();
        if samples.is_empty() {
            failures.push(format!("{}: no sample request", op.id));
        }
        for (i, req) in samples.into_iter().enumerate() {
            let Some(req) = req else {
                failures.push(format!("{}: builder #{i} of {} refused its sample arguments", op.id, entry.builder));
                continue;
            };
            built += 1;
            let wider = INCUS_WIDER_SCOPE.iter().any(|(o, _)| *o == op.id);
            let mut own = Vec::new();
            check_request(&row, &req, i, &mut own);
            for f in own {
                // A scope Incus widens: the builder's (LXD's) must be within Incus's.
                let spec_scope = Scope { project: row.query.iter().any(|q| q == "project"), target: row.query.iter().any(|q| q == "target") };
                let narrower = (!req.scope.project || spec_scope.project) && (!req.scope.target || spec_scope.target);
                if wider && narrower && f.contains(": scope ") {
                    continue;
                }
                failures.push(format!("incus: {f}"));
            }
        }
        let srow = spec::find(&op.id).unwrap_or_else(|| panic!("{} missing from core/src/spec.rs", op.id));
        assert!(srow.daemons.incus, "{}: core/src/spec.rs does not say Incus has it", op.id);
        assert_eq!(srow.incus_query, op.query.iter().map(String::as_str).collect::<Vec<_>>().as_slice(), "{}", op.id);
    }
    for (o, _) in INCUS_WIDER_SCOPE {
        assert!(ops.iter().any(|x| x.id == *o), "INCUS_WIDER_SCOPE names {o}, no Incus operation");
    }
    assert_eq!(incus_only, 46, "Incus 6.0.4 has 46 operations LXD 5.0.2 lacks");
    let incus_rows = spec::OPERATIONS.iter().filter(|o| o.daemons.incus).count();
    assert_eq!(incus_rows, ops.len(), "core/src/spec.rs marks {incus_rows} operations as Incus's");
    assert!(failures.is_empty(), "{} problem(s):\n{}", failures.len(), failures.join("\n"));
    println!("coverage (Incus 6.0.4): {}/{} operations mapped to typed builders ({} Incus only); {} builder requests asserted against the spec", ops.len(), ops.len(), incus_only, built);
}

#[test]
fn every_operation_has_a_builder_matching_the_spec() {
    let ops = parse_spec(LXD_SPEC);
    assert_eq!(ops.len(), 220, "the spec lists 220 operations");
    let mut built = 0;
    let mut failures = Vec::new();
    for op in &ops {
        let Some(entry) = coverage::entry(&op.id) else {
            failures.push(format!("{}: no entry in api::coverage::ENTRIES", op.id));
            continue;
        };
        assert!(!entry.builder.is_empty() && !entry.c_function.is_empty(), "{}", op.id);
        let samples = entry.samples();
        if samples.is_empty() {
            failures.push(format!("{}: no sample request", op.id));
        }
        for (i, req) in samples.into_iter().enumerate() {
            let Some(req) = req else {
                failures.push(format!("{}: builder #{i} of {} refused its sample arguments", op.id, entry.builder));
                continue;
            };
            built += 1;
            check_request(op, &req, i, &mut failures);
        }
        // The generated table agrees with this independent parse.
        let row = spec::find(&op.id).unwrap_or_else(|| panic!("{} missing from core/src/spec.rs", op.id));
        assert_eq!((row.method, row.path, row.fixed_query), (op.method.as_str(), op.path.as_str(), op.fixed.as_str()), "{}", op.id);
        assert_eq!(row.query, op.query.iter().map(String::as_str).collect::<Vec<_>>().as_slice(), "{}", op.id);
    }
    let incus = parse_spec(INCUS_SPEC);
    for e in coverage::ENTRIES {
        assert!(ops.iter().any(|o| o.id == e.op) || incus.iter().any(|o| o.id == e.op), "entry {} is an operation of neither spec", e.op);
        let row = spec::find(e.op).unwrap();
        assert_eq!(row.daemons.lxd, ops.iter().any(|o| o.id == e.op), "{}: core/src/spec.rs is wrong about LXD", e.op);
    }
    assert!(failures.is_empty(), "{} problem(s):\n{}", failures.len(), failures.join("\n"));
    println!("coverage (LXD 5.0.2): {}/{} operations mapped to typed builders; {} builder requests asserted against the spec", ops.len(), ops.len(), built);
    assert!(built >= 220);
}

fn check_request(op: &SpecOp, req: &lxd_core::Request, i: usize, failures: &mut Vec<String>) {
    let id = format!("{}#{i}", op.id);
    if req.method.as_str() != op.method {
        failures.push(format!("{id}: method {} != spec {}", req.method, op.method));
    }
    let want_path = sample_path(&op.path);
    if req.path != want_path {
        failures.push(format!("{id}: path {} != spec {}", req.path, want_path));
    }
    for (k, v) in fixed_query_pairs(&op.fixed) {
        if !req.query.iter().any(|(qk, qv)| *qk == k && *qv == v) {
            failures.push(format!("{id}: fixed query {k}={v} missing from {}", req.path_and_query()));
        }
    }
    let want_scope = Scope { project: op.query.iter().any(|q| q == "project"), target: op.query.iter().any(|q| q == "target") };
    if req.scope != want_scope {
        failures.push(format!("{id}: scope {:?} != spec {:?} (query {:?})", req.scope, want_scope, op.query));
    }
    let fixed_keys: Vec<String> = fixed_query_pairs(&op.fixed).into_iter().map(|(k, _)| k).collect();
    for (k, _) in &req.query {
        let listed = op.query.contains(k) || fixed_keys.contains(k) || QUERY_BEYOND_SPEC.iter().any(|(o, q, _)| *o == op.id && q == k);
        if !listed {
            failures.push(format!("{id}: query key {k:?} is not in the spec"));
        }
    }
}

#[test]
fn entries_are_sorted_and_unique() {
    let ids: Vec<&str> = coverage::ENTRIES.iter().map(|e| e.op).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(ids, sorted);
}
