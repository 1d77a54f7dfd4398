// Pictures for picture login: simple shapes a 6-year-old can tell apart, drawn here (no
// downloads, no emoji font needed). Each is an SVG fragment in a 64×64 box.
export const AVATARS: Record<string, string> = {
  sun: '<circle cx="32" cy="32" r="14" fill="#f6b93b"/><g stroke="#f6b93b" stroke-width="5" stroke-linecap="round"><path d="M32 6v8M32 50v8M6 32h8M50 32h8M13 13l6 6M45 45l6 6M13 51l6-6M45 19l6-6"/></g>',
  moon: '<path d="M40 10a22 22 0 1 0 14 38A18 18 0 0 1 40 10z" fill="#f3d36b"/>',
  star: '<path d="M32 6l7 17 18 1-14 12 5 18-16-10-16 10 5-18L7 24l18-1z" fill="#f5a623"/>',
  fish: '<ellipse cx="28" cy="32" rx="18" ry="11" fill="#4aa3df"/><path d="M44 32l14-10v20z" fill="#4aa3df"/><circle cx="20" cy="29" r="3" fill="#fff"/>',
  tree: '<rect x="28" y="38" width="8" height="18" fill="#8b5a2b"/><circle cx="32" cy="26" r="18" fill="#3c9d5d"/>',
  flower: '<g fill="#e86a92"><circle cx="32" cy="18" r="9"/><circle cx="46" cy="30" r="9"/><circle cx="40" cy="46" r="9"/><circle cx="24" cy="46" r="9"/><circle cx="18" cy="30" r="9"/></g><circle cx="32" cy="33" r="8" fill="#f6d365"/>',
  apple: '<circle cx="32" cy="36" r="18" fill="#d63e3e"/><path d="M32 18c0-6 4-9 8-10" stroke="#6b4" stroke-width="4" fill="none"/>',
  house: '<path d="M10 32L32 12l22 20z" fill="#c8323f"/><rect x="16" y="32" width="32" height="22" fill="#f0c987"/><rect x="28" y="40" width="8" height="14" fill="#8b5a2b"/>',
  boat: '<path d="M8 40h48l-8 12H16z" fill="#8b5a2b"/><path d="M32 10v28H14z" fill="#4aa3df"/><path d="M34 16v22h14z" fill="#fff" stroke="#4aa3df" stroke-width="2"/>',
  cloud: '<g fill="#9bc5e8"><circle cx="22" cy="36" r="12"/><circle cx="36" cy="28" r="14"/><circle cx="46" cy="38" r="10"/><rect x="18" y="36" width="30" height="12"/></g>',
  drop: '<path d="M32 8C24 22 16 30 16 40a16 16 0 0 0 32 0C48 30 40 22 32 8z" fill="#3a8fd6"/>',
  leaf: '<path d="M12 52C12 24 30 10 54 10c0 24-14 42-42 42z" fill="#5cae4c"/><path d="M12 52L40 24" stroke="#2f7d32" stroke-width="3"/>',
  heart: '<path d="M32 54L10 32a12 12 0 0 1 22-14 12 12 0 0 1 22 14z" fill="#e0457b"/>',
  kite: '<path d="M32 6l18 22-18 26-18-26z" fill="#f08a24"/><path d="M32 54c4 4-4 6 0 10" stroke="#555" stroke-width="2" fill="none"/>',
  ball: '<circle cx="32" cy="32" r="20" fill="#fff" stroke="#333" stroke-width="3"/><path d="M12 32h40M32 12c-10 10-10 30 0 40M32 12c10 10 10 30 0 40" stroke="#333" stroke-width="3" fill="none"/>',
  bird: '<ellipse cx="30" cy="36" rx="18" ry="13" fill="#f2c14e"/><circle cx="44" cy="26" r="9" fill="#f2c14e"/><path d="M52 26l8 3-8 3z" fill="#f08a24"/><circle cx="46" cy="24" r="2" fill="#333"/>',
};

export const AVATAR_NAMES = Object.keys(AVATARS);

/** An SVG element for an avatar name (a plain circle with the name's first letter when unknown). */
export function avatarSvg(name: string | null | undefined): string {
  const body = (name && AVATARS[name]) || '<circle cx="32" cy="32" r="24" fill="#ddd"/>';
  return `<svg viewBox="0 0 64 64" width="100%" height="100%" aria-hidden="true">${body}</svg>`;
}
