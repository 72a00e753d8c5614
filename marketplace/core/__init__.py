"""The base every package builds on: configuration, database, accounts, errors, forms, mail, storage, audit."""
