// The runner's seeded choices (which follower, which key, which operation): the seed is printed on
// failure with the command that replays the same choices.

/** A float in [0, 1) from a 32-bit seed (mulberry32: small, fast, good enough for picking victims). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A fresh seed for runs whose scenario fixes none. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}

/** A child seed (for each load), so adding a load does not change the victims chosen by the steps. */
export function deriveSeed(seed: number, salt: string): number {
  let h = seed >>> 0;
  for (let i = 0; i < salt.length; i++) h = Math.imul(h ^ salt.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
