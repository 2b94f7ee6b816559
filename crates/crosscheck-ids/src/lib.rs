//! Identifier and identity-document checks (MRZ, INN, SNILS, OGRN, ...); no IO.
