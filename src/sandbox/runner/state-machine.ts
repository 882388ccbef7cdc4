/**
 * A state machine of aws-local-stepfunctions for a prepared definition. The library compiles a
 * JSON-schema validator (ajv) for every machine it checks, about 0.2 s; a definition it passed once in
 * this process (a prediction runs the same workflow again and again) is not checked again.
 */
import { StateMachine } from "aws-local-stepfunctions";

/** Definition texts the library validated in this process. */
const validated = new Set<string>();

export function stateMachineOf(definition: unknown): StateMachine {
  const text = JSON.stringify(definition);
  const machine = new StateMachine(definition as never, {
    validationOptions: { checkArn: false, noValidate: validated.has(text) },
  });
  validated.add(text);
  return machine;
}
