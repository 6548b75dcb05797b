-- Run once on an empty data directory: by the postgres image from /docker-entrypoint-initdb.d,
-- and by the native runner after initdb. One database per owning service.
CREATE DATABASE orders;
CREATE DATABASE inventory;
CREATE DATABASE fulfillment;
CREATE DATABASE notifications;
