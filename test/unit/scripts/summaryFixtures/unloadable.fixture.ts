// A file that fails while it loads: it has no tests to count.
import { it } from 'vitest';

throw new Error('cannot load');
it('is never collected', () => undefined);
