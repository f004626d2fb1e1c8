export { buildDecision, decidedPlate, decideEntry, readFlags } from './decide-entry.ts';
export {
  decideExit,
  InsideSession,
  ManualOpenInput,
  type ManualOpenResult,
  manualOpen,
  Overstay,
  overstays,
  PaidExitInput,
  paidExit,
} from './decide-exit.ts';
export {
  DecisionFlag,
  EntryInput,
  ExitFee,
  ExitInput,
  GateDecision,
  OpenSession,
  PlateRead,
} from './gate-decision.schema.ts';
export {
  Colour,
  Display,
  formatFen,
  ReasonCode,
  ReasonContext,
  reasonDisplay,
  reasonText,
} from './reason-catalogue.ts';
