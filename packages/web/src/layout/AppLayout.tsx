import { AppShell, Badge, Burger, Button, Group, NavLink, Stack, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Suspense } from 'react';
import { Navigate, Outlet, NavLink as RouterNavLink, useLocation } from 'react-router';
import { ExpiryNotice } from '../auth/ExpiryNotice';
import { useLinkedSystems } from '../auth/linked-systems';
import { PasswordChange } from '../auth/PasswordChange';
import { useSession } from '../auth/session';
import { useCabinetUnread } from '../cabinet/core/useCabinetUnread';
import { useI18n } from '../i18n/index';
import { LanguageSwitch } from '../i18n/LanguageSwitch';
import { useNetworkName } from '../lib/network-name';
import { mayImportNotebooks, NOTEBOOK_PATH } from '../okusuri-techo/may-import';
import { Loading } from './Feedback';

interface NavItem {
  to: string;
  label: string;
  /** A count shown beside the label (unread posts). */
  badge?: number;
}

/** The frame of every screen behind the login: header, navigation, session notice. */
export function AppLayout() {
  const { t } = useI18n();
  const network = useNetworkName();
  const { state, logout } = useSession();
  const location = useLocation();
  const [opened, { toggle, close }] = useDisclosure(false);
  const cabinetUnread = useCabinetUnread(state.status === 'active' && !state.session.user.office);
  // Single sign-on into other systems, where the hub is a SAML IdP with service providers.
  const linked = useLinkedSystems(state.status === 'active' && !state.session.user.office);

  if (state.status === 'loading') return <Loading />;
  if (state.status === 'anonymous')
    return <Navigate to="/login" replace state={{ from: `${location.pathname}${location.search}` }} />;

  const { user, facility } = state.session;
  const can = state.session.abilities ?? { viewRecords: true, registerConsents: true, enterRecords: true };
  // Only what the hub lets this user do here: a clerk's search would never find anyone, and a
  // facility without patients in the index cannot register a consent.
  const items: NavItem[] = user.office
    ? [
        { to: '/office/facilities', label: t('nav.facilities') },
        { to: '/office/users', label: t('nav.users') },
        { to: '/office/matrix', label: t('nav.matrix') },
        { to: '/office/disclosure', label: t('nav.disclosure') },
        { to: '/office/reviews', label: t('nav.reviews') },
        { to: '/office/break-glass', label: t('nav.breakGlass') },
        { to: '/office/stats', label: t('nav.stats') },
        { to: '/office/cabinets', label: t('cabinet.nav') },
        { to: '/office/federation', label: t('federation.nav') },
        { to: '/cards', label: t('card.nav') },
      ]
    : [
        ...(can.viewRecords ? [{ to: '/patients', label: t('nav.patients') }] : []),
        ...(can.registerConsents ? [{ to: '/consents', label: t('nav.consents') }] : []),
        { to: '/cabinets', label: t('cabinet.nav'), badge: cabinetUnread },
        // A small facility's own writes, where it publishes through the repository (hub abilities).
        ...(can.enterRecords ? [{ to: '/patients/register', label: t('register.nav') }] : []),
        ...(can.enterRecords && mayImportNotebooks(user.profession)
          ? [{ to: NOTEBOOK_PATH, label: t('notebook.nav') }]
          : []),
        ...(facility.role === 'admin' ? [{ to: '/office/users', label: t('nav.users') }] : []),
        ...((linked.data ?? []).length > 0 ? [{ to: '/linked', label: t('linked.nav') }] : []),
        { to: '/cards', label: t('card.nav') },
      ];

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 210, breakpoint: 'md', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <a href="#main" className="skip-link">
        {t('app.skip')}
      </a>
      <AppShell.Header className="no-print">
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="md"
              size="sm"
              aria-label={t('nav.mainMenu')}
            />
            <UnstyledButton component={RouterNavLink} to="/" aria-label={network}>
              <Text fw={700} c="teal.9" size="lg">
                {network}
              </Text>
            </UnstyledButton>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Stack gap={0} visibleFrom="sm" align="flex-end">
              <Text size="sm" fw={600} data-testid="user-name">
                {user.name}
              </Text>
              <Text size="xs" c="dimmed">
                {t('session.actingFor', { facility: facility.name })}
              </Text>
            </Stack>
            <LanguageSwitch />
            <Button variant="default" size="xs" onClick={() => void logout()}>
              {t('nav.logout')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" className="no-print" aria-label={t('nav.mainMenu')} component="nav">
        {items.map((item) => (
          <NavLink
            key={item.to}
            component={RouterNavLink}
            to={item.to}
            label={item.label}
            rightSection={
              item.badge ? (
                <Badge
                  size="sm"
                  color="red"
                  circle={item.badge < 10}
                  aria-label={t('cabinet.unread', { count: item.badge })}
                >
                  {item.badge > 99 ? '99+' : item.badge}
                </Badge>
              ) : undefined
            }
            onClick={close}
            active={location.pathname.startsWith(item.to)}
          />
        ))}
        <Stack gap={0} hiddenFrom="sm" mt="md" px="sm">
          <Text size="sm" fw={600}>
            {user.name}
          </Text>
          <Text size="xs" c="dimmed">
            {facility.name}
          </Text>
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
      <ExpiryNotice />
      {user.mustChangePassword && <PasswordChange />}
    </AppShell>
  );
}
