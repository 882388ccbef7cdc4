/**
 * Counts what Step Functions would bill and record: state transitions and execution history events,
 * with the event counts AWS writes per state type (a Task: Entered, Scheduled, Started, Succeeded,
 * Exited; a retry adds Failed, Scheduled, Started), and the largest payload between states.
 */
export class ExecutionMeter {
  stateTransitions = 0;
  historyEvents = 2; // ExecutionStarted + the closing event
  maxPayloadBytes = 0;
  longestStepSeconds = 0;
  longestStepName = "";

  entered(stateType: string, input: unknown): void {
    this.stateTransitions++;
    this.historyEvents += stateType === "Task" ? 5 : 2;
    this.payload(input);
  }

  retried(): void {
    this.historyEvents += 3;
  }

  waited(): void {
    // A Wait rewritten as a Task is recorded as a Wait (Entered + Exited): take back the Task extras.
    this.historyEvents -= 3;
  }

  payload(value: unknown): void {
    if (value === undefined) return;
    const bytes = Buffer.byteLength(JSON.stringify(value));
    if (bytes > this.maxPayloadBytes) this.maxPayloadBytes = bytes;
  }

  step(name: string, seconds: number): void {
    if (seconds > this.longestStepSeconds) {
      this.longestStepSeconds = seconds;
      this.longestStepName = name;
    }
  }
}
