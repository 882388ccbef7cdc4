/**
 * Strings the simulator keeps for the life of a run (ids, names, workload keys) are built flat. V8
 * builds `a + b` and template literals of 13 characters or more as ropes: a 36-character UID from five
 * parts is a tree of cells, each cell 32 bytes besides its parts, kept as long as the string is. At
 * 5,000 nodes and 40,000 pods such trees held about a fifth of the live heap.
 */
export function flat(text: string): string {
  return text.length < 13 ? text : text.split("").join("");
}
