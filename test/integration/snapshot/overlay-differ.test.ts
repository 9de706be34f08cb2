import { overlayFixture } from '../../support/layer-fixtures.js';
import { differSuite } from './differ-suite.js';

differSuite('overlay', async (t) => overlayFixture(t));
