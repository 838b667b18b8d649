"""The domain: models, the state machine, permissions, services, documents and CLI. No request objects here."""
