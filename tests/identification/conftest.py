from tests.identification.cases import applicant, calendar, exiting  # noqa: F401  (fixtures)
