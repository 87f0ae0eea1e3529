import '@fontsource-variable/noto-sans-sc';
import './globals.css';
import type { Metadata } from 'next';
import { NuqsAdapter } from 'nuqs/adapters/next/app';
import type { ReactNode } from 'react';
import { LocaleProvider } from './_i18n/LocaleProvider';
import { getLocale } from './_i18n/server';
import { TRPCReactProvider } from './_trpc/client';

export const metadata: Metadata = {
  title: '营销智能监控指挥中心',
  description: 'Power-utility marketing monitoring and command center',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await getLocale();
  return (
    <html lang={locale}>
      <body>
        <LocaleProvider locale={locale}>
          <TRPCReactProvider>
            <NuqsAdapter>{children}</NuqsAdapter>
          </TRPCReactProvider>
        </LocaleProvider>
      </body>
    </html>
  );
}
