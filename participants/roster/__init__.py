"""Rosters (danh sách người thuộc diện tham gia, seed 002): importing them from Excel
(`importing`) and matching their rows to registrations (`matching`)."""
