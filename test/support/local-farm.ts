/**
 * An inventory of `count` local hosts (node-001 …) in one non-production group, `farm`: enough
 * hosts for an answer to need several pages, each scanned on this machine by the startup scan.
 */
export const localFarm = (count: number): { names: string[]; inventory: string } => {
  const names = Array.from({ length: count }, (_, i) => `node-${String(i + 1).padStart(3, '0')}`);
  const inventory = `inventory:
  hosts:
${names.map((n) => `    - { name: ${n}, address: 127.0.0.1, os: debian, connection: local, groups: [farm] }`).join('\n')}
  groups:
    - { name: farm, production: false }
`;
  return { names, inventory };
};
