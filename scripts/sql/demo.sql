-- Demo data of spec/schema.md §4.2 (the data the golden fixtures were captured with) plus the web
-- admin account of ttopen.sql (admin/admin). Idempotent: INSERT IGNORE by primary key, so rows
-- that already exist (and any changes made to them) are left alone.
-- Users' plain password is 123456; stored password = md5(md5('123456') || salt).

INSERT IGNORE INTO `IMAdmin` (`id`, `uname`, `pwd`, `status`, `created`, `updated`) VALUES
  (1, 'admin', '21232f297a57a5a743894a0e4a801fc3', 0, 0, 0);

INSERT IGNORE INTO `IMDepart` (`id`, `departName`, `priority`, `parentId`, `status`, `created`, `updated`) VALUES
  (1, 'Engineering', 1, 0, 0, 1700000000, 1700000000),
  (2, 'Sales',       2, 0, 0, 1700000000, 1700000000);

INSERT IGNORE INTO `IMUser`
  (`id`, `sex`, `name`, `domain`, `nick`, `password`, `salt`, `phone`, `email`, `avatar`, `departId`,
   `status`, `created`, `updated`, `push_shield_status`, `sign_info`) VALUES
  (1, 1, 'alice', 'alice', 'Alice', '9fb3dc842c899aa63d6944a55080b795', '1111', '13800000001', 'alice@example.com', '', 1, 0, 1700000000, 1700000000, 0, 'hi from alice'),
  (2, 1, 'bob',   'bob',   'Bob',   '4d64e7e28ee93758441b6f1b0d5032f7', '2222', '13800000002', 'bob@example.com',   '', 1, 0, 1700000000, 1700000000, 0, 'hi from bob'),
  (3, 1, 'carol', 'carol', 'Carol', '1a3d392f4aba6680c8e68dfc26e84c9e', '3333', '13800000003', 'carol@example.com', '', 2, 0, 1700000000, 1700000000, 0, 'hi from carol');
