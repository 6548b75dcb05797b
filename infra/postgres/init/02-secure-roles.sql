-- Secure mode only (HOPTRACE_SECRETS names the folder of generated passwords; docker-compose.secure.yml
-- sets it): one login role per service, owning its database and nothing else. CONNECT is revoked
-- from PUBLIC, so a role cannot even open another service's database. The default mode skips it.
\getenv secrets HOPTRACE_SECRETS
\if :{?secrets}
SET password_encryption = 'scram-sha-256';
\set pw `cat "$HOPTRACE_SECRETS/postgres-orders"`
CREATE ROLE orders LOGIN PASSWORD :'pw';
\set pw `cat "$HOPTRACE_SECRETS/postgres-inventory"`
CREATE ROLE inventory LOGIN PASSWORD :'pw';
\set pw `cat "$HOPTRACE_SECRETS/postgres-fulfillment"`
CREATE ROLE fulfillment LOGIN PASSWORD :'pw';
\set pw `cat "$HOPTRACE_SECRETS/postgres-notifications"`
CREATE ROLE notifications LOGIN PASSWORD :'pw';
\unset pw
ALTER DATABASE orders OWNER TO orders;
ALTER DATABASE inventory OWNER TO inventory;
ALTER DATABASE fulfillment OWNER TO fulfillment;
ALTER DATABASE notifications OWNER TO notifications;
REVOKE ALL ON DATABASE orders, inventory, fulfillment, notifications, postgres FROM PUBLIC;
\endif
