import { panelData, point, result, series } from './test-data';

/** PanelData of the agent_states panel from counts per state (a state left out has no figure). */
export const agentStates = (counts: Partial<Record<'logged_in' | 'ready' | 'talking' | 'after_call_work' | 'away', number>>) =>
  panelData([
    result(
      'agents',
      Object.entries(counts).map(([state, n]) => series(`call.agents_${state}`, [point('53', n)])),
    ),
  ]);
