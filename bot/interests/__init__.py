"""Interest mapping with picture cards, in the style of Jobpics: the cards (content),
the sessions (storage), the RIASEC scoring and the pictures. No Telegram here."""
