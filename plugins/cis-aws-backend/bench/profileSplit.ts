/**
 * Whose CPU a run's profile shows: this product's code, the AWS SDK, the database layer, Node's
 * HTTP and stream machinery, and the garbage collector. Each sample goes to the nearest frame of
 * its stack that belongs to one of them (a native call, such as a socket write or a SQLite
 * statement, to the JavaScript that made it); what has no such frame is Node's own.
 *
 * The V8 profiler samples on a clock: on a loaded machine a sample can land in a function while
 * the process waits for a core, so the split is a share of samples, to be read beside the CPU
 * time `process.cpuUsage` measures, not instead of it.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export type Owner =
  | 'this plugin (src/, common, node library)'
  | 'AWS SDK (@aws-sdk, @smithy)'
  | 'database (knex, better-sqlite3, pg)'
  | 'Node HTTP, sockets, streams, promises'
  | 'garbage collector'
  | 'benchmark harness'
  | 'other packages';

function ownerOfUrl(url: string): Owner | undefined {
  if (!url) return undefined;
  if (url.includes('/node_modules/')) {
    if (/node_modules\/(@aws-sdk|@smithy|@aws\/)/.test(url)) {
      return 'AWS SDK (@aws-sdk, @smithy)';
    }
    if (/node_modules\/(knex|better-sqlite3|pg|pg-[a-z]+|tarn)\//.test(url)) {
      return 'database (knex, better-sqlite3, pg)';
    }
    return 'other packages';
  }
  if (url.includes('/bench/')) return 'benchmark harness';
  if (/plugins\/cis-aws-(backend|common|node)\//.test(url)) {
    return 'this plugin (src/, common, node library)';
  }
  return undefined; // node:* internals and natives: attributed to their caller
}

/** The share of samples (idle excluded) of each owner, largest first. */
export function splitProfile(profile: CpuProfile): Array<[Owner, number]> {
  const byId = new Map(profile.nodes.map(node => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const ownerOf = new Map<number, Owner>();
  const resolve = (id: number): Owner => {
    const known = ownerOf.get(id);
    if (known) return known;
    const { functionName, url } = byId.get(id)!.callFrame;
    let owner: Owner | undefined =
      functionName === '(garbage collector)'
        ? 'garbage collector'
        : ownerOfUrl(url);
    if (!owner) {
      const up = parent.get(id);
      owner =
        up === undefined
          ? 'Node HTTP, sockets, streams, promises'
          : resolve(up);
    }
    ownerOf.set(id, owner);
    return owner;
  };
  const totals = new Map<Owner, number>();
  let sum = 0;
  profile.samples.forEach((id, i) => {
    const name = byId.get(id)!.callFrame.functionName;
    if (name === '(idle)' || name === '(program)') return;
    const dt = profile.timeDeltas[i] ?? 0;
    sum += dt;
    const owner = resolve(id);
    totals.set(owner, (totals.get(owner) ?? 0) + dt);
  });
  return [...totals.entries()]
    .map(([owner, t]): [Owner, number] => [owner, sum > 0 ? t / sum : 0])
    .sort((a, b) => b[1] - a[1]);
}
