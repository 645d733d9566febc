"""The talent ecosystem: service points, industry alliances, financial services, feedback."""
