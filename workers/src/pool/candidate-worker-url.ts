/** The module a candidate pool loads as its worker entry (compiled beside this file). */
export const candidateWorkerUrl = new URL('./candidate-worker.js', import.meta.url);
