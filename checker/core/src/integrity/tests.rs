use super::*;

/// The kinds found in `source`, with their lines.
fn kinds(source: &str) -> Vec<(u32, &'static str)> {
    scan(source).into_iter().map(|(l, k, _)| (l, k)).collect()
}

/// The heart of the lifetime-extension hole as its public packaging writes it, and the
/// variants that hide one part or another.
#[test]
fn the_lifetime_extension_hole_is_flagged_in_each_of_its_shapes() {
    let classic = "
        const UNIT: &&() = &&();
        fn translate<'a, 'b, T: ?Sized>(_: &'a &'b (), v: &'b T) -> &'a T { v }
        fn expand<'a, 'b, T: ?Sized>(x: &'a T) -> &'b T {
            let f: for<'x> fn(_, &'x T) -> &'b T = translate;
            f(UNIT, x)
        }";
    let found = kinds(classic);
    for line in [2, 3, 5] {
        assert!(
            found.contains(&(line, "lifetime-extension")),
            "line {line}: {found:?}"
        );
    }
    // Through a struct, mutably, or with 'static spelled out.
    for source in [
        "struct Wf<'a, 'b>(PhantomData<&'a &'b ()>);",
        "fn t<'a, 'b, T>(_: &'a mut &'b (), v: &'b mut T) -> &'a mut T { v }",
        "static U: &'static &'static () = &&();",
        "let f: fn(&'static &'b (), &'b T) -> &'static T = t;",
    ] {
        assert!(
            kinds(source)
                .iter()
                .any(|(_, k)| *k == "lifetime-extension"),
            "{source}"
        );
    }
}

#[test]
fn ordinary_references_and_function_pointers_are_not_flagged() {
    for source in [
        "fn get<'a>(map: &'a Map, key: &str) -> Option<&'a str> { None }",
        "fn pair<'a>(a: &'a str, b: &'a str) -> (&'a str, &'a str) { (a, b) }",
        "let ok = a && b; let both = &&x;",
        "type Handler = fn(&str) -> String; const H: fn(&'static str) = f;",
        "fn inner<'a>(x: &&'a str) -> &'a str { x }",
        "// &'a &'b () in a comment\nlet s = \"&'a &'b () in a string\";",
    ] {
        assert_eq!(kinds(source), [], "{source}");
    }
}

#[test]
fn raw_descriptors_paths_and_compile_time_reads_are_flagged() {
    let source = r#"
        use std::os::fd::{FromRawFd, RawFd};
        let f = std::fs::read("/sandbox/suite");
        let m = std::fs::read_to_string("/proc/self/mem");
        let d = "/dev/fd/3";
        const S: &str = include_str!("/proc/self/mountinfo");
        #[path = "../../secret.rs"] mod other;
        #[path = "parts/store.rs"] mod store;
    "#;
    let found = kinds(source);
    for (line, kind) in [
        (2, "raw-fd"),
        (3, "absolute-path"),
        (4, "absolute-path"),
        (5, "raw-fd"),
        (6, "compile-time-read"),
        (7, "compile-time-read"),
    ] {
        assert!(found.contains(&(line, kind)), "{line} {kind}: {found:?}");
    }
    assert!(!found.iter().any(|(l, _)| *l == 8), "{found:?}");
    // Text that only looks like a path is not one.
    assert_eq!(
        kinds(r#"let s = format!("{a}/{b} per second"); let u = "/ 2";"#),
        []
    );
}

#[test]
fn the_harness_environment_processes_and_sockets_are_flagged() {
    let source = "
        let seed = std::env::var(\"SUITE_SEED\");
        let secret = std::io::stdin();
        let at_build = env!(\"HOME\");
        std::process::exit(0);
        let s = std::os::unix::net::UnixStream::connect(p);
        use suite_harness::protocol;
    ";
    let found = kinds(source);
    for (line, kind) in [
        (2, "harness-environment"),
        (3, "harness-environment"),
        (4, "harness-environment"),
        (5, "process-or-socket"),
        (6, "process-or-socket"),
        (7, "harness-environment"),
    ] {
        assert!(found.contains(&(line, kind)), "{line} {kind}: {found:?}");
    }
    // A student's own type named like a std one is not std.
    assert_eq!(kinds("enum Command { Read } fn env() {}"), []);
}

#[test]
fn a_hand_written_clone_is_flagged_and_a_derived_one_is_not() {
    let source = "
        #[derive(Clone, Debug)]
        struct A;
        impl Clone for Msg { fn clone(&self) -> Self { Msg::Nothing } }
        impl<T: Clone> std::clone::Clone for Wrapper<T> { fn clone(&self) -> Self { todo!() } }
        impl PartialEq for Msg { fn eq(&self, _: &Self) -> bool { true } }
        impl Clone { }
    ";
    let found = kinds(source);
    assert_eq!(
        found,
        [(4, "hand-written-clone"), (5, "hand-written-clone")],
        "{found:?}"
    );
}

#[test]
fn a_folder_is_scanned_file_by_file_with_paths_relative_to_it() {
    let dir = std::env::temp_dir().join(format!("integrity-scan-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("src/nested")).unwrap();
    std::fs::write(dir.join("src/lib.rs"), "mod nested;\n").unwrap();
    std::fs::write(
        dir.join("src/nested/mod.rs"),
        "\nfn f() { std::process::exit(0) }\n",
    )
    .unwrap();
    std::fs::write(dir.join("src/notes.txt"), "/proc/self/mem").unwrap();
    let flags = scan_dir("01_x", &dir);
    assert_eq!(flags.len(), 1, "{flags:?}");
    assert_eq!(
        flags[0].short(),
        "process-or-socket (01_x/src/nested/mod.rs:2)"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
