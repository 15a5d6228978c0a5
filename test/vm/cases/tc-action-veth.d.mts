import type { TestNetwork } from "../../../packages/runtime/src/testing/netns.ts";

export interface ActionOnVethResult {
  sent: { pass: number; drop: number };
  received: { pass: number; drop: number };
  counted: unknown;
  filter: boolean;
  afterDetach: number;
}

export function actionOnVeth(options: {
  attach: () => { close(): void } | { close(): void }[];
  counts: () => unknown;
  net: Pick<TestNetwork, "sender" | "receiver" | "receiverIf" | "receiverIp">;
  passPort: number;
  dropPort: number;
  waitMs?: number;
}): Promise<ActionOnVethResult>;
