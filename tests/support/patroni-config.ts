export const PG_BIN = '/usr/lib/postgresql/15/bin';

export interface PatroniNode {
  readonly name: string;
  readonly pgPort: number;
  readonly restPort: number;
  readonly dataDir: string;
}

/**
 * HAProxy in TCP mode: the primary port goes to the node whose Patroni answers GET /primary with
 * 200, the replica port to a node answering GET /replica; a node marked down has its sessions cut.
 */
export function haproxyConfig(nodes: readonly PatroniNode[], primaryPort: number, replicaPort: number): string {
  const backend = (name: string, port: number, check: string) => `
listen ${name}
  bind 127.0.0.1:${port}
  option httpchk GET ${check}
  http-check expect status 200
  default-server inter 1s fall 1 rise 1 on-marked-down shutdown-sessions
${nodes.map((n) => `  server ${n.name} 127.0.0.1:${n.pgPort} check port ${n.restPort}`).join('\n')}
`;
  return `global
  maxconn 500
defaults
  mode tcp
  timeout connect 2s
  timeout client 30m
  timeout server 30m
  timeout check 1s
${backend('primary', primaryPort, '/primary')}${backend('replica', replicaPort, '/replica')}`;
}

/** One node's Patroni configuration: etcd3, synchronous_mode, ttl 10 s, pg_rewind, trust on loopback. */
export function patroniConfig(scope: string, node: PatroniNode, etcdPort: number, nodeDir: string): string {
  return `scope: ${scope}
namespace: /opportunities/
name: ${node.name}
restapi:
  listen: 127.0.0.1:${node.restPort}
  connect_address: 127.0.0.1:${node.restPort}
etcd3:
  hosts: 127.0.0.1:${etcdPort}
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 2
    retry_timeout: 3
    synchronous_mode: true
    postgresql:
      use_pg_rewind: true
      parameters:
        wal_log_hints: 'on'
        max_connections: 100
  initdb:
    - encoding: UTF8
    - auth: trust
  pg_hba:
    - local all all trust
    - host all all 127.0.0.1/32 trust
    - host replication all 127.0.0.1/32 trust
postgresql:
  listen: 127.0.0.1:${node.pgPort}
  connect_address: 127.0.0.1:${node.pgPort}
  data_dir: ${node.dataDir}
  bin_dir: ${PG_BIN}
  pgpass: ${nodeDir}/pgpass
  authentication:
    superuser:
      username: postgres
    replication:
      username: postgres
    rewind:
      username: postgres
  parameters:
    unix_socket_directories: '${nodeDir}'
`;
}
