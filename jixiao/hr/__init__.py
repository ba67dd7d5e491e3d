"""HR's pages (issue 5): organisation, dictionary, schemes with the editor and the
trial calculation, cycles, calibration, publication, exports and the audit log."""
