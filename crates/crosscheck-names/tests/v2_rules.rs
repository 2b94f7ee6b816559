//! The name rules `crosscheck-v2` adds (`NameParams::V2`), each on a table of invented names:
//! what the rule must lower, and what it must leave alone. Every row is scored under v1's and
//! v2's numbers, so a row also shows that v1 is untouched by the rule's switch.

use crosscheck_names::{NameKind, NameParams, Names};

/// (left, right, v1 at least / at most, v2 at least / at most): `Hi(x)` = score ≥ x, `Lo(x)` =
/// score < x.
#[derive(Debug, Clone, Copy)]
enum Want {
    Hi(f64),
    Lo(f64),
}

fn check(rows: &[(&str, &str, Want, Want, &str)]) {
    let v1 = Names::shared().with_score_params(NameParams::V1);
    let v2 = Names::shared().with_score_params(NameParams::V2);
    let mut failures = Vec::new();
    for &(a, b, want_v1, want_v2, why) in rows {
        let (na, nb) = (v1.parse(a, NameKind::Person), v1.parse(b, NameKind::Person));
        for (version, names, want) in [("v1", &v1, want_v1), ("v2", &v2, want_v2)] {
            let m = names.compare(&na, &nb);
            let ok = match want {
                Want::Hi(x) => m.score >= x,
                Want::Lo(x) => m.score < x,
            };
            if !ok {
                failures
                    .push(format!("{version}: `{a}` / `{b}` scored {} ({}), want {want:?}: {why}", m.score, m.detail));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

use Want::{Hi, Lo};

#[test]
fn an_initial_counts_only_when_the_rest_of_its_name_agrees() {
    check(&[
        ("Tomas R. Vilkner", "Rasmus TOMAS", Hi(0.7), Lo(0.6), "R~Rasmus while Vilkner has no partner"),
        ("Jorun K. Pellath", "Kalvin JORUN", Hi(0.7), Lo(0.6), "the same shape, other invented names"),
        ("T. Vilkner", "Tomas Vilkner", Hi(0.9), Hi(0.9), "an initial with the rest agreeing is evidence"),
        ("J. R. Vilkner", "Jonas Vilkner", Hi(0.9), Hi(0.9), "one unexplained middle initial is routine"),
        ("LMS Vilkner", "Vilkner Mark", Hi(0.0), Lo(0.6), "two initials left over: not this person's initials"),
    ]);
}

#[test]
fn a_lone_shared_common_given_name_is_weak_evidence() {
    check(&[
        ("Mark Quellbrook", "Mark", Hi(0.7), Lo(0.55), "Mark is shared by thousands"),
        ("Anna Stirnweiss", "Anna", Hi(0.6), Lo(0.55), "so is Anna"),
        ("Quellbrook", "Mark Quellbrook", Hi(0.75), Hi(0.75), "a shared rare surname is not capped"),
        ("Mark Quellbrook", "Mark Quellbrook-Sayer", Hi(0.7), Hi(0.7), "two words shared"),
    ]);
}

#[test]
fn differing_patronymics_weigh_like_differing_given_names() {
    check(&[
        ("Alexei Yuryevich Zhdarkin", "Ждаркин Алексей Игоревич", Hi(0.7), Lo(0.6), "Yuri's son is not Igor's"),
        ("Pavel Olegovich Trusnikov", "Трусников Павел Игоревич", Hi(0.0), Lo(0.6), "Oleg's son is not Igor's"),
        ("Alexei Yurievich Zhdarkin", "Ждаркин Алексей Юрьевич", Hi(0.9), Hi(0.9), "two spellings of one patronymic"),
        ("Alexei Zhdarkin", "Ждаркин Алексей Юрьевич", Hi(0.8), Hi(0.8), "a patronymic left out costs little"),
    ]);
}

#[test]
fn gender_is_read_from_slavic_and_baltic_forms_only() {
    let v1 = Names::shared().with_score_params(NameParams::V1);
    let v2 = Names::shared().with_score_params(NameParams::V2);
    // (left, right, v2 must say the genders differ, why)
    let rows = [
        ("Anna Petrova", "Иван Петров", true, "a Russian feminine surname and given name against masculine ones"),
        ("Ona Kazlauskiene", "Ivan Kazlauskas", true, "a Lithuanian married name is feminine"),
        ("Marija Jovanovic", "Marija Jovanović", false, "-ić is a South Slavic surname, not a patronymic"),
        ("Lucia Medina", "Lucía Medina", false, "Medina ends like a Russian feminine surname but is none"),
    ];
    for (a, b, differ, why) in rows {
        let (na, nb) = (v1.parse(a, NameKind::Person), v1.parse(b, NameKind::Person));
        let m = v2.compare(&na, &nb);
        assert_eq!(m.detail.contains("different genders"), differ, "`{a}` / `{b}`: {} ({why})", m.detail);
        if !differ {
            assert!(m.score >= 0.9, "`{a}` / `{b}` scored {} under v2: {}", m.score, m.detail);
        }
    }
}

#[test]
fn a_given_name_against_a_surname_counts_little() {
    check(&[
        (
            "Doran G. Wilms",
            "Wilm HOSTETTER",
            Hi(0.0),
            Lo(0.5),
            "Wilms is Doran's surname, Wilm is Hostetter's given name",
        ),
        ("Tobias Quellmann", "QUELLMANN Tobias", Hi(0.9), Hi(0.9), "the same roles in another order"),
        ("QUELLMANN, Tobias", "Tobias K. Quellmann", Hi(0.9), Hi(0.9), "comma and middle initial agree"),
        (
            "NURAVIN, Abdul Karim",
            "ABDUL KARIM Nuravin",
            Hi(0.7),
            Hi(0.7),
            "capitals on an assembled name mislead: not one crossed pair but three",
        ),
    ]);
}
