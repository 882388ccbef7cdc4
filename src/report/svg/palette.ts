/**
 * Okabe and Ito's palette: eight colours told apart with every common form of colour blindness, and by
 * lightness in greyscale print. Each series keeps one colour in every picture of a report.
 */
export const PALETTE = {
  orange: "#E69F00",
  sky: "#56B4E9",
  green: "#009E73",
  yellow: "#F0E442",
  blue: "#0072B2",
  vermillion: "#D55E00",
  purple: "#CC79A7",
  grey: "#999999",
} as const;

/** What each node lifecycle state and each kind of time is drawn in, everywhere. */
export const SERIES_COLOURS = {
  starting: PALETTE.sky,
  serving: PALETTE.blue,
  servingOld: PALETTE.grey,
  draining: PALETTE.orange,
  terminating: PALETTE.vermillion,
  pdbBlocked: PALETTE.purple,
  validate: PALETTE.green,
  wait: PALETTE.yellow,
  predicted: PALETTE.grey,
  actual: PALETTE.blue,
  capacity: PALETTE.blue,
  demand: PALETTE.orange,
} as const;
