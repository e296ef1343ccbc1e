// scrypt at the lowest cost a provisioning file may record: the tests check the logic, not the cost.
import type { ScryptParameters } from '../../../../src/agent/provisioning/password.ts';

export const CHEAP_SCRYPT: ScryptParameters = { cost: 2 ** 10, blockSize: 8, parallelization: 1 };
