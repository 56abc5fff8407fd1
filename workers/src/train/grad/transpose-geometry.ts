/**
 * Pads and output_padding that make a ConvTranspose (the adjoint of a strided window op) produce
 * exactly `inSize` along one axis. ConvTranspose yields s·(out − 1) + (k − 1)·d + 1 − pb − pe +
 * output_padding elements; a forward window that ignored trailing rows (floor division) is made up
 * with output_padding, one that ran past the input (ceil_mode) is cut with a larger end pad.
 */
export function transposeAxis(options: {
  inSize: number;
  outSize: number;
  kernel: number;
  stride: number;
  dilation: number;
  padBegin: number;
  padEnd: number;
}): { padBegin: number; padEnd: number; outputPadding: number } {
  const { inSize, outSize, kernel, stride, dilation, padBegin, padEnd } = options;
  const full = stride * (outSize - 1) + (kernel - 1) * dilation + 1 - padBegin - padEnd;
  if (full >= inSize) return { padBegin, padEnd: padEnd + (full - inSize), outputPadding: 0 };
  return { padBegin, padEnd, outputPadding: inSize - full };
}

/** ConvTranspose attributes that invert a 2-D window's geometry onto an [h, w] input. */
export function transposeAttributes(options: {
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  kernel: readonly [number, number];
  strides: readonly [number, number];
  dilations: readonly [number, number];
  pads: readonly [number, number, number, number];
}): { pads: number[]; output_padding: number[]; strides: number[]; dilations: number[] } {
  const { kernel, strides, dilations, pads } = options;
  const h = transposeAxis({ inSize: options.inH, outSize: options.outH, kernel: kernel[0], stride: strides[0], dilation: dilations[0], padBegin: pads[0], padEnd: pads[2] });
  const w = transposeAxis({ inSize: options.inW, outSize: options.outW, kernel: kernel[1], stride: strides[1], dilation: dilations[1], padBegin: pads[1], padEnd: pads[3] });
  return {
    pads: [h.padBegin, w.padBegin, h.padEnd, w.padEnd],
    output_padding: [h.outputPadding, w.outputPadding],
    strides: [...strides],
    dilations: [...dilations],
  };
}
