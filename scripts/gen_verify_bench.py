#!/usr/bin/env python3
"""Deterministic generator of a `crosscheck verify` benchmark: evidence datasets and a 50-claim case.

Usage: gen_verify_bench.py OUT_DIR --records N [--seed S] [--csv-share F]

Writes into OUT_DIR:
  registry.jsonl   FtM lines: about N * (1 - F) records: people (Cyrillic names from syllables,
                   birth dates, birth places, addresses, INNs) and Family links between them (one
                   record in five), with the case's subject and six relatives embedded and linked,
                   and namesakes of the subject with other birth dates;
  leak.csv         about N * F rows of a leaked customer table (Latin or Cyrillic names, birth dates,
                   passport numbers, phones, addresses), the subject and two relatives among them;
  leak.mapping.yml its column mapping;
  case-loaded.yaml the 50-claim case against the datasets loaded as `bench-registry` and `bench-leak`;
  case-files.yaml  the same case with the two files as its own evidence.

Everything is invented; nothing comes from real people or reference data.
"""
import argparse
import json
import os
import random

SYL = ["ka", "ri", "mo", "sa", "le", "ni", "to", "va", "de", "lu", "po", "ra", "mi", "ko", "na", "ta",
       "be", "shi", "ga", "zo", "du", "ol", "an", "er", "in", "os", "ul", "ed", "ar", "ev", "bo", "ze"]
CYR = {"a": "а", "b": "б", "d": "д", "e": "е", "g": "г", "i": "и", "k": "к", "l": "л", "m": "м", "n": "н",
       "o": "о", "p": "п", "r": "р", "s": "с", "t": "т", "u": "у", "v": "в", "z": "з", "h": ""}
CITIES = ["Москва", "Тверь", "Кострома", "Ярославль", "Владимир", "Рязань", "Калуга", "Тула", "Смоленск", "Псков"]


def cyr(word):
    return "".join(CYR.get(c, c) for c in word)


def word(rng, n_syl):
    return "".join(rng.choice(SYL) for _ in range(n_syl)).capitalize()


def person(rng, idx):
    last, first, father = word(rng, 3), word(rng, 2), word(rng, 2)
    female = rng.random() < 0.5
    name = f"{cyr(last)}{'а' if female else ''} {cyr(first)} {cyr(father)}{'овна' if female else 'ович'}"
    born = f"{rng.randint(1940, 2015)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    city = rng.choice(CITIES)
    return {
        "id": f"p{idx}",
        "schema": "Person",
        "properties": {
            "name": [name],
            "birthDate": [born],
            "birthPlace": [f"г. {city}"],
            "address": [f"г. {city}, ул. {cyr(word(rng, 2))}ая, д. {rng.randint(1, 90)}, кв. {rng.randint(1, 200)}"],
            "innCode": [f"{rng.randint(10**11, 10**12 - 1)}"],
        },
    }


CASE_PEOPLE = [
    # key, relationship, Latin name, Cyrillic name, birth date, registry word
    ("subject", None, "Kirill Andreyevich Lebedev", "Лебедев Кирилл Андреевич", "1988-09-21", None),
    ("wife", "spouse", "Yelena Lebedeva", "Лебедева Елена Викторовна", "1990-05-03", "жена"),
    ("daughter", "daughter", "Sofia Lebedeva", "Лебедева София Кирилловна", "2012-02-10", "дочь"),
    ("son", "son", "Maxim Lebedev", "Лебедев Максим Кириллович", "2015-07-19", "сын"),
    ("father", "father", "Andrei Lebedev", "Лебедев Андрей Павлович", "1959-11-30", "отец"),
    ("mother", "mother", "Galina Lebedeva", "Лебедева Галина Ивановна", "1962-01-15", "мать"),
    ("brother", "brother", "Pavel Lebedev", "Лебедев Павел Андреевич", "1985-04-02", "брат"),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--records", type=int, required=True)
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--csv-share", type=float, default=0.5)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    n_csv = int(args.records * args.csv_share)
    n_reg = args.records - n_csv
    with open(os.path.join(args.out, "registry.jsonl"), "w", encoding="utf-8") as out:
        written, idx = 0, 0
        ids = []
        for key, _, _, cyr_name, born, _ in CASE_PEOPLE:
            rec = {"id": f"case-{key}", "schema": "Person",
                   "properties": {"name": [cyr_name], "birthDate": [born], "birthPlace": ["г. Кострома"]}}
            if key == "subject":
                rec["properties"]["address"] = ["г. Кострома, ул. Советская, д. 8"]
                rec["properties"]["innCode"] = ["440112345678"]
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            written += 1
        for key, _, _, _, _, rel in CASE_PEOPLE[1:]:
            link = {"id": f"case-f-{key}", "schema": "Family",
                    "properties": {"person": ["case-subject"], "relative": [f"case-{key}"], "relationship": [rel]}}
            out.write(json.dumps(link, ensure_ascii=False) + "\n")
            written += 1
        for n in range(20):  # namesakes of the subject, other birth dates
            rec = {"id": f"namesake-{n}", "schema": "Person",
                   "properties": {"name": ["Лебедев Кирилл Андреевич"],
                                  "birthDate": [f"{1950 + n}-0{1 + n % 9}-1{n % 10}"]}}
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            written += 1
        while written < n_reg:
            if ids and rng.random() < 0.2:
                a, b = rng.choice(ids), rng.choice(ids)
                rel = rng.choice(["жена", "муж", "сын", "дочь", "отец", "мать", "брат", "сестра"])
                out.write(json.dumps({"id": f"f{idx}", "schema": "Family",
                                      "properties": {"person": [a], "relative": [b], "relationship": [rel]}},
                                     ensure_ascii=False) + "\n")
            else:
                rec = person(rng, idx)
                ids.append(rec["id"])
                if len(ids) > 5000:
                    ids.pop(rng.randrange(len(ids)))
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            idx += 1
            written += 1
    with open(os.path.join(args.out, "leak.csv"), "w", encoding="utf-8") as out:
        out.write("fio;dob;passport;phone;address\n")
        out.write("Лебедев Кирилл Андреевич;21.09.1988;75 0123456;+7 916 555-01-23;"
                  "г. Москва, ул. Профсоюзная, д. 14, кв. 37\n")
        out.write("Lebedeva Elena;03.05.1990;71 7654321;+7 916 555-01-24;г. Москва, ул. Профсоюзная, д. 14, кв. 37\n")
        out.write("Лебедев Павел Андреевич;02.04.1985;70 1112233;+7 903 555-77-88;г. Кострома, ул. Мира, д. 2\n")
        for n in range(n_csv - 3):
            p = person(rng, n)["properties"]
            name = p["name"][0]
            d = p["birthDate"][0]
            out.write(f"{name};{d[8:10]}.{d[5:7]}.{d[0:4]};{rng.randint(10, 99)} {rng.randint(10**6, 10**7 - 1)};"
                      f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)};"
                      f"{p['address'][0]}\n")
    with open(os.path.join(args.out, "leak.mapping.yml"), "w", encoding="utf-8") as out:
        out.write('schema: Person\nid: [passport]\ndelimiter: ";"\nproperties:\n  name: fio\n'
                  '  birthDate: {column: dob, format: "%d.%m.%Y"}\n  passportNumber: passport\n'
                  '  phone: phone\n  address: address\n')
    claims = case_body()
    with open(os.path.join(args.out, "case-loaded.yaml"), "w", encoding="utf-8") as out:
        out.write(claims + "evidence:\n  - {dataset: bench-registry}\n  - {dataset: bench-leak}\n")
    with open(os.path.join(args.out, "case-files.yaml"), "w", encoding="utf-8") as out:
        out.write(claims + "evidence:\n"
                  "  - {file: registry.jsonl, dataset: registry, origin: registry-2021, kind: government}\n"
                  "  - {file: leak.csv, mapping: leak.mapping.yml, origin: leak-2020, kind: leak}\n")


def case_body():
    """A case of exactly 50 claims: the subject 26, six people 20, two documents 4."""
    lines = [
        "case: bench-50",
        "as_of: 2024-11-01",
        "subject:",
        "  name: Kirill Andreyevich Lebedev",
        "  alias: [Kirill Lebedev, K. A. Lebedev]",
        "  birthDate: 1988-09-21",
        "  birthPlace: Kostroma",
        "  gender: male",
        "  nationality: ru",
        '  innCode: "440112345678"',
        '  passportNumber: "75 0123456"',
        '  phone: ["+7 916 555-01-23"]',
        '  address: ["Moscow, Profsoyuznaya ul. 14-37", "Kostroma, Sovetskaya ul. 8", "Tver, prospekt Lenina 3", "Yaroslavl, ul. Svobody 12-4"]',
        "  employment:",
        "    - {employer: Federal Protective Service, position: communications engineer, from: 2010, until: 2023}",
        "    - {employer: Kostroma Railway Depot, position: electrician, from: 2006, until: 2010}",
        "    - {employer: Rostelecom, position: technician, from: 2005, until: 2006}",
        "people:",
    ]
    for key, rel, latin, _, born, _ in CASE_PEOPLE[1:]:
        age = f", age: {2024 - int(born[:4]) - 1}" if key in ("father", "mother") else ""
        lines.append(f"  - {{key: {key}, relationship: {rel}, name: {latin}, birthDate: {born}{age}}}")
    lines += [
        "documents:",
        "  - {key: passport, type: mrz, holder: subject, value: \"P<RUSLEBEDEV<<KIRILL<<<<<<<<<<<<<<<<<<<<<<<<"
        "\\n7501234569RUS8809210M3001156<<<<<<<<<<<<<<02\"}",
        "  - {key: service-id, type: document, number: \"FSO 004512\", holder: subject}",
        "sources:",
        "  - {key: A, group: colleagues, confirms: [subject.name, subject.employment.1.employer], note: private}",
        "  - {key: B, group: neighbours, confirms: [subject.address.1], note: private}",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
