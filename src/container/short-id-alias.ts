// Before API 1.44 docker listed a container's short ID among its aliases on each user network
// (since then it is in DNSNames only); clients of older API versions see it there.

/** An inspect view with the short ID added to every network's non-null Aliases (the default bridge has none). */
export function withShortIdAliases(view: Record<string, unknown>): Record<string, unknown> {
  const id = String(view.Id ?? '').slice(0, 12);
  const settings = view.NetworkSettings as { Networks?: Record<string, { Aliases?: string[] | null } | null> } | undefined;
  if (!settings?.Networks || !id) return view;
  // Copies: the view may share objects with the container's record.
  const networks = Object.fromEntries(Object.entries(settings.Networks).map(([name, ep]) => [
    name,
    ep && Array.isArray(ep.Aliases) && !ep.Aliases.includes(id) ? { ...ep, Aliases: [...ep.Aliases, id] } : ep,
  ]));
  return { ...view, NetworkSettings: { ...settings, Networks: networks } };
}
