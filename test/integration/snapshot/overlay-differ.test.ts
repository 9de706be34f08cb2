import { overlayFixture } from '../../snapshot/fixtures.js';
import { differSuite } from './differ-suite.js';

differSuite('overlay', async (t) => overlayFixture(t));
