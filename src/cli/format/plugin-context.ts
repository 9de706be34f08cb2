// One `plugin ls` row as docker's formatter offers it to templates.
import type { PluginRecord } from '../../client/plugins.js';
import { HeaderContext } from './list-format.js';

export class PluginRow {
  constructor(
    private readonly p: PluginRecord,
    private readonly noTrunc: boolean,
  ) {}
  ID(): string {
    return this.noTrunc ? this.p.Id : this.p.Id.slice(0, 12);
  }
  Name(): string {
    return this.p.Name;
  }
  Description(): string {
    const d = this.p.Config?.Description ?? '';
    return this.noTrunc || d.length <= 45 ? d : `${d.slice(0, 44)}…`;
  }
  Enabled(): boolean {
    return this.p.Enabled;
  }
  PluginReference(): string {
    return this.p.PluginReference ?? '';
  }
}

export const PLUGIN_HEADERS = new HeaderContext({ ID: 'ID', Name: 'NAME', Description: 'DESCRIPTION', Enabled: 'ENABLED', PluginReference: 'IMAGE' });
