"""The inventory as a spreadsheet: the template, export and import with every mistake named by its cell."""
