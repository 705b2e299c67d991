"""Webhooks: the change feed pushed to partners' URLs, signed (Standard Webhooks), by `khuyenhoc webhooks run`."""
