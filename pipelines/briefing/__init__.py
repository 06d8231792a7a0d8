"""The briefing pack (Paket Paparan): slides and the tables behind them for a Rakor."""
