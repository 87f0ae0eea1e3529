// Messages of exports (导出): the menu on every table and view, background jobs; merged into ./dictionaries.ts.

export const exportZhCN = {
  'export.xlsx': '导出 Excel',
  'export.csv': '导出 CSV',
};

export const exportEn: Record<keyof typeof exportZhCN, string> = {
  'export.xlsx': 'Export Excel',
  'export.csv': 'Export CSV',
};
