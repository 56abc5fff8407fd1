import { candidateStatuses, runStatuses } from '@frontier/search';
import { enumType } from 'nexus';

export const RunStatusEnum = enumType({ name: 'RunStatus', members: [...runStatuses] });
export const CandidateStatusEnum = enumType({ name: 'CandidateStatus', members: [...candidateStatuses] });
export const LatencySourceEnum = enumType({
  name: 'LatencySource',
  description: 'MEASURED on this machine with onnxruntime-node, or PREDICTED by the device latency model.',
  members: ['MEASURED', 'PREDICTED'],
});
export const PreferenceEnum = enumType({
  name: 'Preference',
  description: 'What `select` favours among candidates meeting every limit: highest accuracy, lowest latency, smallest deployed size.',
  members: ['ACCURACY', 'LATENCY', 'SIZE'],
});
export const ProgressKindEnum = enumType({
  name: 'ProgressKind',
  description: 'SNAPSHOT opens every subscription; CANDIDATE, FRONT and STATUS are live events.',
  members: ['SNAPSHOT', 'CANDIDATE', 'FRONT', 'STATUS'],
});
