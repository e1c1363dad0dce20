/**
 * What every process holding the CA runs, `signet server` and `signet ca` alike: the CA, the
 * attestation service wired to it in-process (the CA asks which entries an agent may serve;
 * attestation has agent SVIDs signed), the local bundle followed through the change log, the
 * server's own SVID, the admin SVIDs, and the peer classification built from them.
 */
import { createAttestationService, type AttestationApp } from '@signet/attestation';
import { createCaService } from '@signet/ca';
import { getEntry, latestRevision, subscribeEvents } from '@signet/datastore';
import { systemClock, type PeerClassifier } from '@signet/platform';
import { SpiffeBundle, type TrustDomain } from '@signet/spiffe';
import { AdminIdentities } from './admin-identities.js';
import { followLocalBundle } from './datastore-identity.js';
import type { Runtime } from './runtime.js';
import { startServerSvid, type ServerSvid } from './server-svid.js';

/** Admin SVID holders, refreshed when entries change. */
export async function followAdmins(rt: Runtime, closers: Array<() => unknown>): Promise<AdminIdentities> {
  const admins = new AdminIdentities(rt.db);
  await admins.refresh();
  const events = await subscribeEvents(rt.db, {
    fromRevision: await latestRevision(rt.db),
    onEvent: async (event) => {
      if (event.kind.startsWith('entry.')) await admins.refresh();
    },
    onError: (err) => rt.logger.warn({ err }, 'admins: event subscription'),
  });
  closers.push(() => events.close());
  return admins;
}

/** The attestation service of this process, with the agent-SVID signer it is given. */
export function localAttestation(rt: Runtime, td: TrustDomain, signer: Parameters<typeof createAttestationService>[0]['signer']): AttestationApp {
  return createAttestationService({
    db: rt.db,
    config: rt.config.attestation,
    clock: systemClock,
    logger: rt.logger.child({ component: 'attestation' }),
    meter: rt.telemetry.meter('attestation'),
    signer,
    trustDomain: td,
  });
}

/** The started CA core. */
export interface CaCore {
  readonly ca: Awaited<ReturnType<typeof createCaService>>;
  readonly attestation: AttestationApp;
  readonly bundle: Awaited<ReturnType<typeof followLocalBundle>>;
  readonly serverSvid: ServerSvid;
  /** server, admin, or agent, from the server ID, admin entries and attested agents. */
  readonly classifyPeer: PeerClassifier;
}

/** Starts the CA core; each part's stop goes on `closers`. */
export async function startCaCore(rt: Runtime, td: TrustDomain, serverId: string, closers: Array<() => unknown>): Promise<CaCore> {
  const clock = systemClock;
  // The CA and the attestation service need each other: build the CA against a late-bound view.
  let attestation: AttestationApp | undefined;
  const ca = await createCaService({
    db: rt.db,
    config: { trust_domain: rt.config.trust_domain, data_dir: rt.dataDir, ca: rt.config.ca },
    clock,
    logger: rt.logger.child({ component: 'ca' }),
    meter: rt.telemetry.meter('ca'),
    tracer: rt.telemetry.tracer('ca'),
    authorizer: {
      authorizedEntry: async (agentId, entryId) => attestation?.authorizer.authorizedEntry(agentId, entryId),
      getEntry: async (entryId) => (await getEntry(rt.db, entryId)) ?? undefined,
    },
  });
  closers.push(() => ca.close());
  await ca.start();
  const started = localAttestation(rt, td, {
    signAgentX509Svid: async (p) => {
      const signed = await ca.signer.signAgentX509Svid({ kind: 'server', via: 'inproc', spiffeId: serverId }, { csr: p.csr, spiffeId: p.spiffeId, ttlSeconds: p.ttlSeconds });
      return { certChain: [...signed.certChain], expiresAt: signed.expiresAt, serial: signed.serialNumber };
    },
    getBundle: async () => {
      const stored = await ca.manager.localBundle();
      return stored ? SpiffeBundle.parse(td, JSON.stringify(stored.document)) : SpiffeBundle.empty(td);
    },
  });
  attestation = started;
  closers.push(() => started.close());
  await started.start();

  const bundle = await followLocalBundle(rt.db, td.name, rt.logger);
  closers.push(() => bundle.close());
  const serverSvid = await startServerSvid({
    spiffeId: serverId,
    clock,
    logger: rt.logger,
    signer: { sign: async ({ publicKey, spiffeId, ttlSeconds }) => ca.signer.signX509Svid({ kind: 'admin', via: 'inproc' }, { publicKey, spiffeId, ttlSeconds }) },
  });
  closers.push(() => serverSvid.close());
  const admins = await followAdmins(rt, closers);
  const classifyPeer: PeerClassifier = (id) => {
    const s = id.toString();
    if (s === serverId) return 'server';
    if (admins.has(s)) return 'admin';
    return started.agentRole(id);
  };
  rt.health.addCheck('ca', async () => {
    const snap = ca.manager.snapshot;
    for (const kind of ['x509', 'jwt'] as const) if (snap[kind] === undefined) throw new Error(`no signing ${kind} authority: ${snap.problems[kind] ?? 'unknown reason'}`);
  });
  return { ca, attestation: started, bundle, serverSvid, classifyPeer };
}
