"""Registry intake: the spreadsheet layout a county office keeps, import, error reports and export."""
