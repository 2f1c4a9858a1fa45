import {
  Affix,
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  Stack,
  Tabs,
  Text,
  Title,
  Transition,
} from '@mantine/core';
import { useMediaQuery, useWindowScroll } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiError } from '../api/client';
import { useActiveSession } from '../auth/session';
import { useI18n } from '../i18n/index';
import { ErrorAlert, Loading } from '../layout/Feedback';
import { AccessMessage, AccessReasonBadge } from './AccessReason';
import { CabinetHeader } from './CabinetHeader';
import { Composer, type ComposerMode } from './Composer';
import { keys, useCabinet, useCabinets } from './core/api';
import { useCabinetEvents } from './core/events';
import type { Access, PostView } from './core/types';
import { DrawingsTab } from './DrawingsTab';
import { DrawingCompare } from './drawings/DrawingCompare';
import { FeedTab } from './FeedTab';
import type { CompareSeries } from './files/PostAttachments';
import { InvitationButtons } from './InvitationButtons';
import { MembersTab } from './MembersTab';
import { type PostActions, postAnchor } from './PostCard';
import { SchedulePanel } from './schedule/SchedulePanel';
import { TimelineTab } from './TimelineTab';
import { VersionsModal } from './VersionsModal';
import { VitalsTab } from './VitalsTab';

const TABS = ['timeline', 'feed', 'schedule', 'vitals', 'drawings', 'members'] as const;
/** The floating buttons stay under any modal (a photo, a video, a comparison shown over the page). */
const BELOW_MODALS = 150;
type Tab = (typeof TABS)[number];

/**
 * ケアキャビネット: one patient's team record — the 4-column timeline, the feed, the schedule (予定表),
 * vitals, schema drawings (シェーマ), members and consent.
 */
export default function CabinetPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const detail = useCabinet(id);

  if (detail.isPending) return <Loading />;
  if (detail.isError) {
    const error = detail.error;
    if (error instanceof ApiError && error.status === 403)
      return (
        <Refused
          cabinetId={id}
          access={{ reason: error.code, message: error.message }}
          invited={error.code === 'invitation-pending'}
        />
      );
    if (error instanceof ApiError && error.status === 404)
      return (
        <Stack gap="md" maw={760}>
          <Alert color="gray" data-testid="cabinet-not-found">
            {t('cabinet.notFound')}
          </Alert>
          <BackToList />
        </Stack>
      );
    return <ErrorAlert error={error} onRetry={() => void detail.refetch()} />;
  }
  if (!detail.data.access.read)
    return (
      <Refused cabinetId={id} access={detail.data.access} invited={detail.data.myStatus === 'invited'} />
    );
  return <Workspace cabinetId={id} />;
}

function BackToList() {
  const { t } = useI18n();
  return (
    <Anchor component={Link} to="/cabinets">
      {t('cabinet.backToList')}
    </Anchor>
  );
}

/** A member who may not read sees why, and nothing else (an invitation can be answered here). */
function Refused({
  cabinetId,
  access,
  invited,
}: {
  cabinetId: string;
  access: Pick<Access, 'reason' | 'message'>;
  invited: boolean;
}) {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <Stack gap="md" maw={760} data-testid="cabinet-refused">
      <Paper withBorder p="md" radius="md">
        <Stack gap="sm" align="flex-start">
          <Title order={1} size="h3">
            {t('cabinet.noAccess')}
          </Title>
          <AccessReasonBadge access={access} />
          <AccessMessage access={access} />
          {invited && (
            <>
              <Text size="sm">{t('cabinet.invited')}</Text>
              <InvitationButtons
                cabinetId={cabinetId}
                size="md"
                onAnswered={(a) => {
                  if (a === 'decline') navigate('/cabinets');
                }}
              />
            </>
          )}
        </Stack>
      </Paper>
      <BackToList />
    </Stack>
  );
}

function Workspace({ cabinetId }: { cabinetId: string }) {
  const { t } = useI18n();
  const session = useActiveSession();
  const queryClient = useQueryClient();
  const detail = useCabinet(cabinetId);
  const summaries = useCabinets();
  const [params, setParams] = useSearchParams();
  const tab: Tab = (TABS as readonly string[]).includes(params.get('tab') ?? '')
    ? (params.get('tab') as Tab)
    : 'timeline';
  const [composer, setComposer] = useState<ComposerMode | null>(null);
  const [versionsOf, setVersionsOf] = useState<string | null>(null);
  const [compare, setCompare] = useState<CompareSeries | null>(null);
  const phone = useMediaQuery('(max-width: 48em)') ?? false;
  const [notice, setNotice] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [scroll, scrollTo] = useWindowScroll();
  /** Posts this page wrote: their events are no news. */
  const mine = useRef(new Set<string>());
  const myUserId = session.user.id;
  // Back at the top, the new posts are in sight: the notice has said its piece.
  useEffect(() => {
    if (notice && scroll.y < 100) setNotice(false);
  }, [notice, scroll.y]);

  useCabinetEvents((event) => {
    if (event.cabinetId !== cabinetId) {
      void queryClient.invalidateQueries({ queryKey: keys.list });
      return;
    }
    if (event.type === 'cabinet') {
      void queryClient.invalidateQueries({ queryKey: keys.detail(cabinetId) });
      void queryClient.invalidateQueries({ queryKey: keys.list });
      // A posted video finished converting (or could not be read): the posts show it as it is now.
      void queryClient.invalidateQueries({ queryKey: keys.posts(cabinetId) });
      return;
    }
    void queryClient.invalidateQueries({ queryKey: keys.posts(cabinetId) });
    void queryClient.invalidateQueries({ queryKey: keys.vitals(cabinetId) });
    if (!event.mine && !mine.current.has(event.postId) && window.scrollY > 300) setNotice(true);
  }, true);

  const showPost = useCallback((postId: string) => {
    const element = document.getElementById(postAnchor(postId));
    if (!element) return;
    element.scrollIntoView({ block: 'center', behavior: 'smooth' });
    element.focus({ preventScroll: true });
  }, []);

  const data = detail.data;
  const writable = data?.access.write ?? false;
  const actions: PostActions = useMemo(
    () => ({
      onReply: writable ? (post: PostView) => setComposer({ type: 'reply', parent: post }) : null,
      onEdit: writable ? (post: PostView) => setComposer({ type: 'edit', post }) : null,
      onVersions: (post: PostView) => setVersionsOf(post.id),
      onShow: showPost,
      onCompareDrawing: (series: CompareSeries) => setCompare(series),
      myUserId,
    }),
    [writable, showPost, myUserId],
  );

  if (!data) return <Loading />;
  const unread = summaries.data?.find((c) => c.id === cabinetId)?.unread ?? null;

  return (
    <Stack gap="md">
      <CabinetHeader detail={data} unread={unread} />
      <Group justify="space-between" wrap="wrap" gap="xs">
        {writable ? (
          <Button size="md" onClick={() => setComposer({ type: 'new' })} data-testid="cabinet-write">
            {t('cabinet.write')}
          </Button>
        ) : (
          <Group gap="xs" data-testid="cabinet-read-only">
            <Badge color="gray" size="lg" variant="filled">
              {t('cabinet.readOnly')}
            </Badge>
            <Text size="sm" c="dimmed">
              {t('cabinet.readOnlyHint')}
            </Text>
          </Group>
        )}
        {saved && (
          <Alert
            color="teal"
            role="status"
            py={6}
            withCloseButton
            closeButtonLabel={t('app.close')}
            onClose={() => setSaved(null)}
          >
            {saved}
          </Alert>
        )}
      </Group>
      <Tabs
        value={tab}
        onChange={(v) => setParams(v && v !== 'timeline' ? { tab: v } : {}, { replace: true })}
        keepMounted={false}
      >
        <Tabs.List>
          {TABS.map((k) => (
            <Tabs.Tab key={k} value={k} data-testid={`cabinet-tab-${k}`}>
              {t(`cabinet.tabs.${k}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="timeline" pt="sm">
          <TimelineTab cabinetId={cabinetId} columns={data.group.columns} actions={actions} />
        </Tabs.Panel>
        <Tabs.Panel value="feed" pt="sm">
          <FeedTab cabinetId={cabinetId} members={data.members} actions={actions} />
        </Tabs.Panel>
        <Tabs.Panel value="schedule" pt="sm">
          <SchedulePanel cabinetId={cabinetId} members={data.members} canWrite={data.access.write} />
        </Tabs.Panel>
        <Tabs.Panel value="vitals" pt="sm">
          <VitalsTab cabinetId={cabinetId} />
        </Tabs.Panel>
        <Tabs.Panel value="drawings" pt="sm">
          <DrawingsTab cabinetId={cabinetId} onCompare={setCompare} />
        </Tabs.Panel>
        <Tabs.Panel value="members" pt="sm">
          <MembersTab detail={data} myUserId={myUserId} />
        </Tabs.Panel>
      </Tabs>
      {writable && (
        <Composer
          cabinetId={cabinetId}
          mode={composer}
          members={data.members}
          myUserId={myUserId}
          onClose={() => setComposer(null)}
          onSaved={(post, edited) => {
            mine.current.add(post.id);
            setComposer(null);
            setSaved(edited ? t('cabinet.composer.saved') : t('cabinet.composer.posted'));
          }}
        />
      )}
      <VersionsModal cabinetId={cabinetId} postId={versionsOf} onClose={() => setVersionsOf(null)} />
      <Modal
        opened={compare !== null}
        onClose={() => setCompare(null)}
        title={<Text fw={700}>{t('cabinet.drawingsTab.compareTitle')}</Text>}
        size="min(1200px, 96vw)"
        fullScreen={phone}
        closeButtonProps={{ 'aria-label': t('app.close'), size: 'lg' }}
        data-testid="drawing-compare"
      >
        {compare !== null && (
          <DrawingCompare
            key={`${compare.bodyPart}|${compare.label}`}
            cabinetId={cabinetId}
            bodyPart={compare.bodyPart}
            label={compare.label}
          />
        )}
      </Modal>
      <Affix
        position={{ top: 64, left: 0, right: 0 }}
        zIndex={BELOW_MODALS}
        style={{ pointerEvents: 'none' }}
      >
        <Transition transition="slide-down" mounted={notice && scroll.y > 100}>
          {(styles) => (
            <Group justify="center" style={styles}>
              <Button
                radius="xl"
                color="blue"
                style={{ pointerEvents: 'auto' }}
                onClick={() => {
                  setNotice(false);
                  scrollTo({ y: 0 });
                }}
                data-testid="cabinet-new-posts"
              >
                {t('cabinet.newPosts')}
              </Button>
            </Group>
          )}
        </Transition>
      </Affix>
      {writable && (
        <Affix position={{ bottom: 20, right: 20 }} zIndex={BELOW_MODALS}>
          <Transition transition="slide-up" mounted={scroll.y > 300 && composer === null}>
            {(styles) => (
              <Button size="lg" radius="xl" style={styles} onClick={() => setComposer({ type: 'new' })}>
                {t('cabinet.write')}
              </Button>
            )}
          </Transition>
        </Affix>
      )}
    </Stack>
  );
}
