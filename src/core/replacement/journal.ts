/**
 * A run's change journal (safety invariant 6). Every change a node replacement makes that must not
 * outlive the run (a cordon, a taint, a raised size, a suspended process, an instance launched) is
 * recorded BEFORE it is made; the run settles the entry once nothing is left to undo (it undid the
 * change itself, or made it final). Whatever workflow wrote a journal, one reconciler
 * (`reconcile.ts`) undoes what is still open once its run is dead.
 *
 * Store layout, in the run's own partition of the state table: `journal` is the head (owner and the
 * ids of open entries, in record order), `journal/<id>` one item per entry, so a big roll's journal
 * never approaches DynamoDB's item limit. Entry ids are chosen by the caller and stable across a
 * retried step: recording an open id again keeps the first record (it holds the state before the
 * change; a retry would see the change already made). A crash between the entry and the head leaves
 * an entry nobody reads, which is harmless: the change it announces was not made yet.
 *
 * Steps of one run never run concurrently, so the head is read and written without a condition.
 */
import type { AutoScalingGroupState } from "../model/aws";
import type { KubeTaint } from "../model/kube";
import type { Deps } from "../ports";

export interface GroupSizes {
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
}

/** What a change was; the reconciler knows how to undo each kind. */
export type JournalChange =
  /** Nodes about to be cordoned (undo: uncordon those still there and not terminated by the run). */
  | { kind: "cordon"; nodes: { node: string; instanceId?: string }[] }
  /** A taint about to be put on nodes (undo: remove it where it still is). */
  | { kind: "taint"; nodes: string[]; taint: KubeTaint }
  /** A group's sizes before the run raised any of them (undo: min and max back; desired is left, see reconcile). */
  | { kind: "raise-sizes"; asgName: string; original: GroupSizes }
  /** Processes about to be suspended that were running (undo: resume them). */
  | { kind: "suspend"; asgName: string; processes: string[] }
  /**
   * Instances about to be launched by raising desired capacity from `desiredBefore` (undo: terminate,
   * decrementing desired, the newcomers that never became Ready nodes, at most desired − desiredBefore).
   */
  | { kind: "launch"; asgName: string; desiredBefore: number; membersBefore: string[] }
  /**
   * Instances about to be terminated. Nothing to undo (a termination is final); it tells the
   * reconciler that their nodes' cordons are not leftovers: those nodes are going away.
   */
  | { kind: "terminate"; instanceIds: string[] };

export type JournalEntry = JournalChange & {
  /** Stable per change within the run: "sizes", "launch", "batch-3/cordon". */
  id: string;
};

export type StoredJournalEntry = JournalEntry & { recordedAt: string };

/** Who wrote a journal: the reconciler undoes it only once this execution is no longer running. */
export interface JournalOwner {
  cluster: string;
  runId: string;
  /** The execution that makes the changes (its ARN in AWS, its id in the sandbox). */
  executionId: string;
  /** "roll-node-group", "react-to-instance-event", "rebalance-azs", … */
  workflow: string;
}

interface JournalHead extends JournalOwner {
  createdAt: string;
  /** Ids of entries not settled yet, in the order they were recorded. */
  open: string[];
}

export const JOURNAL_KEY = "journal";
const entryKey = (id: string) => `${JOURNAL_KEY}/${id}`;

export type JournalDeps = Pick<Deps, "state" | "clock">;

export class Journal {
  /**
   * The head as this instance last read or wrote it. An instance lives as long as one step invocation
   * (a tick of the roll shares one between its waves), and no other step of the run runs meanwhile, so
   * the stored head cannot change under it.
   */
  private known: JournalHead | undefined;
  /** Records and settles of one instance, one at a time: each rewrites the head it read. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: JournalDeps,
    readonly owner: JournalOwner,
  ) {}

  /**
   * Reads the head now, so that a step can read it side by side with its other state (one batch in
   * the store) rather than at its first record.
   */
  async preload(): Promise<void> {
    await this.storedHead();
  }

  private async storedHead(): Promise<JournalHead | undefined> {
    this.known ??= await this.deps.state.getItem<JournalHead>(this.owner.runId, JOURNAL_KEY);
    return this.known;
  }

  private async head(): Promise<JournalHead> {
    return (await this.storedHead()) ?? { ...this.owner, createdAt: this.deps.clock.now().toISOString(), open: [] };
  }

  private async writeHead(head: JournalHead): Promise<void> {
    await this.deps.state.putItem(this.owner.runId, JOURNAL_KEY, head);
    this.known = head;
  }

  /**
   * Records a change before it is made. An id already open keeps its first record (the state before
   * the change), whatever this call passes: a retried step sees the change already made.
   */
  record(entry: JournalEntry): Promise<void> {
    return this.recordAll([entry]);
  }

  /**
   * Records several changes before they are made (a tick terminating the drained waves together): the
   * entries are written side by side, then the head names them all in one write. Each entry strictly
   * before the head: a head never names an entry that is not written (a retry that finds an id open
   * skips its write and keeps the first record).
   */
  recordAll(entries: JournalEntry[]): Promise<void> {
    return this.inTurn(async () => {
      const head = await this.head();
      const fresh = entries.filter((entry, i) => {
        if (!entry.id) throw new Error("journal entry id: expected a non-empty string naming the change");
        return !head.open.includes(entry.id) && entries.findIndex((e) => e.id === entry.id) === i;
      });
      if (fresh.length === 0) return;
      const recordedAt = this.deps.clock.now().toISOString();
      await Promise.all(
        fresh.map((entry) =>
          this.deps.state.putItem(this.owner.runId, entryKey(entry.id), { ...entry, recordedAt } as StoredJournalEntry),
        ),
      );
      await this.writeHead({ ...head, open: [...head.open, ...fresh.map((e) => e.id)] });
    });
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const next = this.turn.then(work, work);
    this.turn = next.catch(() => undefined);
    return next;
  }

  /**
   * Nothing is left to undo for these entries: the run undid the change itself, or made it final. Only
   * the head changes; the entry items stay as a record of what the run did.
   */
  settle(...entries: (JournalEntry | string)[]): Promise<void> {
    return this.inTurn(() => this.settleNow(entries));
  }

  private async settleNow(entries: (JournalEntry | string)[]): Promise<void> {
    const ids = new Set(entries.map((e) => (typeof e === "string" ? e : e.id)));
    const head = await this.storedHead();
    if (!head?.open.some((id) => ids.has(id))) return;
    await this.writeHead({ ...head, open: head.open.filter((id) => !ids.has(id)) });
  }

  /** Entries not settled, in the order they were recorded. */
  async openEntries(): Promise<StoredJournalEntry[]> {
    const head = await this.deps.state.getItem<JournalHead>(this.owner.runId, JOURNAL_KEY);
    const entries: StoredJournalEntry[] = [];
    for (const id of head?.open ?? []) {
      const entry = await this.deps.state.getItem<StoredJournalEntry>(this.owner.runId, entryKey(id));
      if (entry) entries.push(entry);
    }
    return entries;
  }
}

/** The journal of a run that is making changes now (created on its first record). */
export function journalFor(deps: JournalDeps, owner: JournalOwner): Journal {
  return new Journal(deps, owner);
}

/** The journal a run wrote, with its owner as recorded; undefined when the run recorded nothing. */
export async function loadJournal(deps: JournalDeps, runId: string): Promise<Journal | undefined> {
  const head = await deps.state.getItem<JournalHead>(runId, JOURNAL_KEY);
  if (!head) return undefined;
  return new Journal(deps, {
    cluster: head.cluster,
    runId: head.runId,
    executionId: head.executionId,
    workflow: head.workflow,
  });
}

/** The workflow names journals carry (the rebalance adds its own). */
export const ROLL_WORKFLOW = "roll-node-group";

/** The journal of the roll making changes now (also an upgrade's child roll: each child has its own). */
export function rollJournal(
  deps: JournalDeps,
  state: { input: { cluster: string }; run: { runId: string; executionId: string } },
): Journal {
  return journalFor(deps, {
    cluster: state.input.cluster,
    runId: state.run.runId,
    executionId: state.run.executionId,
    workflow: ROLL_WORKFLOW,
  });
}

/**
 * Before raising a group's desired (and max) capacity: its sizes and members as they were. Both
 * entries are per group and keep their first record, so a run that surges batch after batch keeps
 * the sizes it found. `original` defaults to the group's sizes now.
 */
export async function recordSurge(
  journal: Journal,
  group: AutoScalingGroupState,
  original: GroupSizes = group,
): Promise<void> {
  const sizes = { minSize: original.minSize, maxSize: original.maxSize, desiredCapacity: original.desiredCapacity };
  await journal.record({ id: `sizes/${group.name}`, kind: "raise-sizes", asgName: group.name, original: sizes });
  await journal.record({
    id: `launch/${group.name}`,
    kind: "launch",
    asgName: group.name,
    desiredBefore: sizes.desiredCapacity,
    membersBefore: group.instances.map((i) => i.instanceId),
  });
}
