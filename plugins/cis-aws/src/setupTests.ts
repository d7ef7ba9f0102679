import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// CI machines are loaded (a load average of 5–9 on two cores): a render
// that takes 100 ms on a quiet machine can take seconds there. Waits stay
// conditions (findBy*, waitFor), with a ceiling far above what they need on a
// quiet machine, and each test gets time for several of them.
configure({ asyncUtilTimeout: 15_000 });
jest.setTimeout(60_000);
