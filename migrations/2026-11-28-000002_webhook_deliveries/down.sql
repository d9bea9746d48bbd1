DROP TABLE core.webhook_delivery;
